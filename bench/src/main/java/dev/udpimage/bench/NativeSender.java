package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The benchmark's legacy sender as a native program ({@code bench/c/legacy_sender.c},
 * compiled here with gcc): the same datagrams as {@link LegacyLoad}, at a fraction of its
 * per-datagram cost, so that fast receivers are measured rather than the sender. Also
 * builds {@code bare_receiver.c}, the "what the wire allows" column.
 */
public final class NativeSender implements Sender {

    /** How long each sender waits for a reply, in ms. */
    private final String timeoutMs;

    private final Path sender;

    private final Path bareReceiver;

    private final Path images;

    private NativeSender(Path sender, Path bareReceiver, Path images) {
        this(sender, bareReceiver, images, Processes.REPLY_TIMEOUT);
    }

    private NativeSender(Path sender, Path bareReceiver, Path images, java.time.Duration replyTimeout) {
        this.sender = sender;
        this.bareReceiver = bareReceiver;
        this.images = images;
        this.timeoutMs = String.valueOf(replyTimeout.toMillis());
    }

    /** The same sender, waiting up to {@code timeout} for each reply. */
    public NativeSender withReplyTimeout(java.time.Duration timeout) {
        return new NativeSender(this.sender, this.bareReceiver, this.images, timeout);
    }

    /**
     * Compiles both programs into {@code build/bench-bin}; empty when gcc is missing or
     * fails.
     */
    public static Optional<NativeSender> compile(Path sources, Path build) throws InterruptedException {
        Path bin = build.resolve("bench-bin");
        try {
            Files.createDirectories(bin);
            Path sender = bin.resolve("legacy_sender");
            Path bare = bin.resolve("bare_receiver");
            if (gcc(sources.resolve("legacy_sender.c"), sender)
                    && gcc(sources.resolve("bare_receiver.c"), bare, "-pthread")) {
                return Optional.of(new NativeSender(sender, bare, bin));
            }
        }
        catch (IOException ex) {
            System.out.println("(gcc not usable: " + ex.getMessage() + ")");
        }
        return Optional.empty();
    }

    private static boolean gcc(Path source, Path output, String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-o", output.toString(), source.toString()));
        command.addAll(Arrays.asList(flags));
        Process gcc = new ProcessBuilder(command).inheritIO().start();
        return gcc.waitFor() == 0;
    }

    @Override
    public String describe() {
        return "native legacy sender (bench/c/legacy_sender.c, gcc -O2; sendmmsg, 32 datagrams a call)";
    }

    @Override
    public Row stopAndWait(String name, String target, InetSocketAddress address, byte[] image, int count)
            throws IOException, InterruptedException {
        return concurrent(name, target, address, image, 1, count);
    }

    @Override
    public Row concurrent(String name, String target, InetSocketAddress address, byte[] image, int senders, int each)
            throws IOException, InterruptedException {
        Path file = this.images.resolve(image.length + ".img");
        if (!Files.isRegularFile(file) || Files.size(file) != image.length) {
            Files.write(file, image);
        }
        List<Process> processes = new ArrayList<>();
        List<Path> reports = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            processes.add(start("image", address, each, reports, file.toString()));
        }
        return collect(name, target, senders * each, image.length, processes, reports);
    }

    @Override
    public Row lists(String name, String target, InetSocketAddress address, int count)
            throws IOException, InterruptedException {
        List<Path> reports = new ArrayList<>();
        return collect(name, target, count, 0, List.of(start("list", address, count, reports)), reports);
    }

    private Process start(String mode, InetSocketAddress address, int count, List<Path> reports, String... file)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(this.sender.toString(), mode, String.valueOf(address.getPort()),
                String.valueOf(count), this.timeoutMs));
        command.addAll(Arrays.asList(file));
        Path report = Files.createTempFile(this.images, mode, ".out");
        reports.add(report);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(report.toFile())
            .start();
    }

    /**
     * Reads every sender's report (a file each, so no sender waits on a pipe); the row
     * spans from the first start to the last end.
     */
    private static Row collect(String name, String target, int sent, long bytes, List<Process> processes,
            List<Path> reports) throws IOException, InterruptedException {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            if (processes.get(i).waitFor() != 0) {
                throw new IllegalStateException("legacy_sender exited with " + processes.get(i).exitValue());
            }
            for (String line : Files.readAllLines(reports.get(i), StandardCharsets.US_ASCII)) {
                String[] field = line.split(" ");
                switch (field[0]) {
                    case "start" -> first = Math.min(first, Long.parseLong(field[1]));
                    case "end" -> last = Math.max(last, Long.parseLong(field[1]));
                    case "ok" -> latencies.add(Long.parseLong(field[1]));
                    default -> {
                    } // "lost"
                }
            }
            Files.delete(reports.get(i));
        }
        return new Row(name, target, sent, latencies.size(), bytes, (last - first) / 1e9,
                latencies.stream().mapToLong(Long::longValue).toArray());
    }

    /** The bare C receiver on two free ports. */
    Rounds.Receiver startBareReceiver() throws IOException {
        int image = Processes.freePort();
        int list = Processes.freePort();
        Process process = Processes
            .startReady(List.of(this.bareReceiver.toString(), String.valueOf(image), String.valueOf(list)));
        return new Rounds.Receiver(process, Processes.loopback(image), Processes.loopback(list));
    }

}
