package dev.udpimage.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import dev.udpimage.udp.SocketDrops;

/**
 * How a run is measured: every workload in rounds, the rounds of one workload taking the
 * receivers in turn, a fresh receiver per round (but the service), and one round reported
 * per workload.
 */
final class Rounds {

    /**
     * A workload, measured {@code rounds} times against each receiver and reported by one
     * round, the median.
     */
    record Workload(int rounds, Run run) {

        static Workload once(Run run) {
            return new Workload(1, run);
        }

        /** For the rows whose target is a rate relative to the reference. */
        static Workload medianOf(int rounds, Run run) {
            return new Workload(rounds, run);
        }
    }

    /** One round of a workload. */
    interface Run {

        Row run(String target, InetSocketAddress images, InetSocketAddress lists) throws Exception;

    }

    /**
     * Rounds per row whose target is a rate relative to the reference (10 KB images,
     * lists): a moment when the machine is slow for one receiver moves no such row.
     */
    static final int RATIO_ROUNDS = 5;

    /** A receiver process (the bare loops, the Python reference) and its two ports. */
    record Receiver(Process process, InetSocketAddress images, InetSocketAddress lists) implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            if (this.process != null) { // null: the service, which outlives a workload
                this.process.destroyForcibly();
                this.process.waitFor();
            }
        }
    }

    /** Starts a receiver. */
    interface ReceiverStarter {

        Receiver start() throws Exception;

    }

    /**
     * Every workload against receivers from {@code starter}; each workload's round of
     * median rate.
     */
    static List<Row> run(List<Workload> workloads, String target, ReceiverStarter starter) throws Exception {
        return run(workloads, Map.of(target, starter)).get(target);
    }

    /**
     * Every workload, its rounds taking the targets in turn, so that all columns of a row
     * see the same machine (its speed drifts within a run). A fresh receiver per round,
     * but the service: once one wedges, it stays wedged. Each workload reports one round,
     * the same for every target: {@link #medianRound}.
     */
    static Map<String, List<Row>> run(List<Workload> workloads, Map<String, ReceiverStarter> targets) throws Exception {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        targets.keySet().forEach(target -> rows.put(target, new ArrayList<>()));
        for (Workload workload : workloads) {
            Map<String, List<Row>> rounds = new LinkedHashMap<>();
            for (int round = 0; round < workload.rounds(); round++) {
                for (Map.Entry<String, ReceiverStarter> target : targets.entrySet()) {
                    rounds.computeIfAbsent(target.getKey(), t -> new ArrayList<>())
                        .add(measure(workload.run(), target.getKey(), target.getValue()));
                }
            }
            int reported = medianRound(List.copyOf(rounds.values()));
            rounds.forEach((target, measured) -> rows.get(target).add(measured.get(reported)));
        }
        return rows;
    }

    /**
     * One round against a receiver from {@code starter}, with what the kernel dropped on
     * its sockets meanwhile.
     */
    private static Row measure(Run workload, String target, ReceiverStarter starter) throws Exception {
        try (Receiver receiver = starter.start()) {
            double dropsBefore = socketDrops(receiver);
            Row row = workload.run(target, receiver.images(), receiver.lists());
            double drops = socketDrops(receiver) - dropsBefore;
            row = Double.isNaN(drops) ? row : row.withSocketDrops((long) drops);
            Report.print(row);
            return row;
        }
    }

    /**
     * The round a row reports, from each target's rounds in the targets' order. With one
     * target, the round of median rate; with more, the round of median ratio of the first
     * target's rate to the second's, so that a row's columns and its ratio come from one
     * round, measured side by side while the machine's speed drifts (of an even number of
     * rounds, the lower middle one).
     */
    static int medianRound(List<List<Row>> rounds) {
        List<Row> first = rounds.get(0);
        ToDoubleFunction<Integer> key = rounds.size() == 1 ? i -> first.get(i).perSecond()
                : i -> first.get(i).perSecond() / rounds.get(1).get(i).perSecond();
        List<Integer> order = new ArrayList<>(IntStream.range(0, first.size()).boxed().toList());
        order.sort(Comparator.comparingDouble(key));
        return order.get((order.size() - 1) / 2);
    }

    /**
     * What the kernel dropped so far on the receiver's two full sockets; NaN where it
     * doesn't say.
     */
    private static double socketDrops(Receiver receiver) {
        return SocketDrops.of(receiver.images().getPort()) + SocketDrops.of(receiver.lists().getPort());
    }

    private Rounds() {
    }

}
