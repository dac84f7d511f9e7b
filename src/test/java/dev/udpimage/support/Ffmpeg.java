package dev.udpimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's ffmpeg and ffprobe as independent readers of what the service writes: the MD5
 * of each packet as the demuxer reads it ({@code -c copy}, so exactly the bytes in the
 * container), and a file's duration.
 */
public final class Ffmpeg {

    public static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    public static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

    private Ffmpeg() {
    }

    public static void require() {
        Commands.require(Files.isExecutable(FFMPEG) && Files.isExecutable(FFPROBE),
                "no ffmpeg (apt-get install ffmpeg)");
    }

    /** The MD5 of every video packet, in order. */
    public static List<String> packetMd5s(int timeoutSeconds, String... input) throws IOException {
        return packetHashes("md5", timeoutSeconds, input);
    }

    /** The hash ({@code md5}, {@code sha256}) of every video packet, in order. */
    public static List<String> packetHashes(String hash, int timeoutSeconds, String... input) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(FFMPEG.toString(), "-nostdin", "-hide_banner", "-loglevel", "error"));
        command.addAll(List.of(input));
        command.addAll(List.of("-map", "0:v", "-c", "copy", "-f", "framehash", "-hash", hash, "-"));
        Commands.Result result = Commands.run(command, timeoutSeconds);
        if (result.exit() != 0) {
            throw new IOException("ffmpeg failed (" + result.exit() + "): " + result.output());
        }
        List<String> md5s = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            if (!line.startsWith("#") && line.contains(",")) {
                String[] fields = line.split(",");
                String value = fields[fields.length - 1].trim();
                md5s.add(value.substring(value.indexOf('=') + 1));
            }
        }
        return md5s;
    }

    /** ffprobe's {@code format=duration}, in seconds. */
    public static double duration(Path file) throws IOException {
        Commands.Result result = Commands.run(List.of(FFPROBE.toString(), "-v", "error", "-show_entries",
                "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", file.toString()), 60);
        return Double.parseDouble(result.output().trim());
    }

    /** ffprobe's codec name of the first video stream. */
    public static String codec(Path file) throws IOException {
        return Commands
            .run(List.of(FFPROBE.toString(), "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=codec_name", "-of", "default=noprint_wrappers=1:nokey=1", file.toString()), 60)
            .output()
            .trim();
    }

}
