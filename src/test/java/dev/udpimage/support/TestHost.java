package dev.udpimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Another host on this machine: a network namespace of its own, joined to this one by a
 * veth pair, with addresses from the benchmarking range 198.18.0.0/15 (RFC 2544). Its
 * traffic never leaves the machine. Making one takes root and iproute2
 * ({@link #available}); every test host is removed on {@link #close}.
 */
public final class TestHost implements AutoCloseable {

    private final String namespace;

    private final String hostAddress;

    private final String address;

    private final String outside;

    /** Which of this process's hosts: each gets its own /30. */
    private static final java.util.concurrent.atomic.AtomicInteger CREATED = new java.util.concurrent.atomic.AtomicInteger();

    private TestHost(String namespace, String hostAddress, String address, String outside) {
        this.namespace = namespace;
        this.hostAddress = hostAddress;
        this.address = address;
        this.outside = outside;
    }

    /** Whether this machine lets tests make hosts (root, {@code ip}). */
    public static boolean available() {
        try {
            return Commands.isRoot() && run(List.of("ip", "-V")).exit() == 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    public static TestHost create() throws IOException {
        int id = (int) (ProcessHandle.current().pid() % 4000) * 8 + (CREATED.getAndIncrement() & 7);
        String namespace = "udpimg-" + id;
        String outside = "uih" + id;
        String inside = "uin" + id;
        // a /30 of 198.18.0.0/15 per host: .1 this machine's side, .2 the test host's
        int base = (id % 32768) * 4;
        String prefix = "198." + (18 + (base >> 16)) + "." + ((base >> 8) & 0xff) + ".";
        String hostAddress = prefix + ((base & 0xff) + 1);
        String address = prefix + ((base & 0xff) + 2);
        TestHost host = new TestHost(namespace, hostAddress, address, outside);
        try {
            must("ip", "netns", "add", namespace);
            must("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
            must("ip", "link", "set", inside, "netns", namespace);
            must("ip", "addr", "add", hostAddress + "/30", "dev", outside);
            must("ip", "link", "set", outside, "up");
            must("ip", "netns", "exec", namespace, "ip", "addr", "add", address + "/30", "dev", inside);
            must("ip", "netns", "exec", namespace, "ip", "link", "set", inside, "up");
            must("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
        }
        catch (IOException | RuntimeException ex) {
            host.close();
            throw ex;
        }
        return host;
    }

    /**
     * Lets this host's datagrams be forwarded to this machine's loopback addresses
     * ({@code route_localnet} on its interface), where a load balancer's DNAT sends them
     * to receivers bound to 127.0.0.1.
     */
    public void routeToLoopback() throws IOException {
        must("sysctl", "-q", "-w", "net.ipv4.conf." + this.outside + ".route_localnet=1");
    }

    /** This machine's address as the test host sees it. */
    public String hostAddress() {
        return this.hostAddress;
    }

    /** The test host's own address. */
    public String address() {
        return this.address;
    }

    /** Runs a command on the test host. */
    public Commands.Result exec(String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", this.namespace));
        all.addAll(List.of(command));
        return run(all);
    }

    /** Starts a command on the test host, its output and errors together. */
    public Process start(String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", this.namespace));
        all.addAll(List.of(command));
        return new ProcessBuilder(all).redirectErrorStream(true).start();
    }

    /**
     * An HTTP request from the test host to this machine (curl), with extra curl
     * arguments.
     * @return the status and the body
     */
    public Http.Response curl(int port, String path, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "10", "-o", "-", "-w", "\n%{http_code}"));
        command.addAll(List.of(arguments));
        command.add("http://" + this.hostAddress + ":" + port + path);
        Commands.Result result = exec(command.toArray(String[]::new));
        String output = result.output();
        int split = output.lastIndexOf('\n');
        return new Http.Response(Integer.parseInt(output.substring(split + 1).strip()), null,
                output.substring(0, Math.max(0, split)).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        run(List.of("ip", "netns", "del", this.namespace)); // takes the veth pair with it
    }

    private static void must(String... command) throws IOException {
        Commands.Result result = run(List.of(command));
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + result.exit() + "): " + result.output());
        }
    }

    private static Commands.Result run(List<String> command) throws IOException {
        return Commands.run(command, 30);
    }

}
