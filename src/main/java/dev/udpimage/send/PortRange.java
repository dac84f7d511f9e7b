package dev.udpimage.send;

/**
 * A range of UDP ports, {@code 5000-5099} or one port {@code 9999}.
 */
public record PortRange(int from, int to) {

    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("not a port range of 1-65535: " + from + "-" + to);
        }
    }

    public static PortRange parse(String text) {
        String range = text.strip();
        int dash = range.indexOf('-');
        try {
            return dash < 0 ? new PortRange(Integer.parseInt(range), Integer.parseInt(range))
                    : new PortRange(Integer.parseInt(range.substring(0, dash).strip()),
                            Integer.parseInt(range.substring(dash + 1).strip()));
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("not a port range: '" + text + "' (use 5000-5099, or 9999)", ex);
        }
    }

    public boolean contains(int port) {
        return port >= this.from && port <= this.to;
    }

    @Override
    public String toString() {
        return this.from == this.to ? String.valueOf(this.from) : this.from + "-" + this.to;
    }

}
