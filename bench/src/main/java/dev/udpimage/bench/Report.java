package dev.udpimage.bench;

import java.util.List;
import java.util.Locale;

/** What a run prints: each round as it is measured, and the tables. */
final class Report {

    static void print(Row row) {
        System.out.printf(Locale.ROOT, "  %-28s %-9s %5d/%-5d %9.1f/s %8.1f MB/s%s%n", row.workload(), row.target(),
                row.completed(), row.sent(), row.perSecond(), row.megabytesPerSecond(),
                row.socketDrops() > 0 ? String.format(Locale.ROOT, "  %,d socket drops", row.socketDrops()) : "");
    }

    /**
     * The legacy rows side by side: the service, the Python reference, and the two bare
     * loops.
     */
    static String table(List<Row> service, List<Row> reference, List<Row> bareJava, List<Row> bareC) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | completed/sent (service) | per s (service) | MB/s (service) | p50 / p99 ms (service)"
                + " | completed/sent (reference) | per s (reference) | service / reference"
                + " | per s (bare Java loop) | per s (bare C loop) |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < service.size(); i++) {
            Row s = service.get(i);
            Row r = i < reference.size() ? reference.get(i) : null;
            out.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %.2f / %.2f | %s | %s | %s | %s | %s |%n",
                    s.workload(), s.completedOfSent(), s.perSecond(),
                    s.bytes() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", s.megabytesPerSecond()),
                    s.percentileMs(0.5), s.percentileMs(0.99), r == null ? "-" : r.completedOfSent(),
                    r == null ? "-" : String.format(Locale.ROOT, "%.1f", r.perSecond()),
                    r == null || r.completed() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.1fx", s.perSecond() / r.perSecond()),
                    perSecond(bareJava, i), perSecond(bareC, i)));
        }
        return out.toString();
    }

    /** A bare loop's rate, with its count when it did not complete everything. */
    private static String perSecond(List<Row> rows, int i) {
        if (i >= rows.size()) {
            return "-";
        }
        Row row = rows.get(i);
        String rate = String.format(Locale.ROOT, "%.1f", row.perSecond());
        return row.completed() == row.sent() ? rate : rate + " (" + row.completed() + "/" + row.sent() + ")";
    }

    private Report() {
    }

}
