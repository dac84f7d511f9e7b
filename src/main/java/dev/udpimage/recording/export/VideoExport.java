package dev.udpimage.recording.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import dev.udpimage.decode.JpegEncoder;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingReader;

/**
 * A stretch of a camera's recording as one video file: Matroska written here, JPEG frames
 * copied as they are (other formats encoded to JPEG once), each at its received time; or
 * MP4, the same Matroska remuxed by ffmpeg ({@code -c copy}, fragmented so that it
 * streams). Frames are read a page at a time: memory does not grow with the length.
 */
@Component
public class VideoExport {

    public enum Format {

        MKV("video/x-matroska"), MP4("video/mp4");

        public final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

    }

    /** Frames of a timelapse follow each other at 25 a second. */
    private static final long TIMELAPSE_FRAME_MILLIS = 40;

    private static final int PAGE = 1000;

    private final JpegEncoder encoder;

    public VideoExport(JpegEncoder encoder) {
        this.encoder = encoder;
    }

    /** Whether ffmpeg (for MP4) is on the PATH. */
    public static boolean mp4Available() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "ffmpeg"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the frames of {@code [from, to)}; with {@code every}, one frame per interval
     * (a timelapse at 25 frames a second).
     * @return frames written
     */
    public long write(RecordingReader recording, String camera, Instant from, Instant to, Duration every, Format format,
            OutputStream out) throws IOException {
        if (format == Format.MP4) {
            return remuxToMp4(out, mkv -> writeMatroska(recording, camera, from, to, every, mkv));
        }
        return writeMatroska(recording, camera, from, to, every, out);
    }

    private long writeMatroska(RecordingReader recording, String camera, Instant from, Instant to, Duration every,
            OutputStream out) throws IOException {
        List<RecordedFrame> first = recording.frames(camera, from, to, 1);
        if (first.isEmpty()) {
            return 0;
        }
        RecordedFrame start = first.get(0);
        Optional<RecordedFrame> last = recording.frameAt(camera, to.minusNanos(1000));
        MatroskaWriter writer;
        if (every == null) {
            Instant end = last.map(RecordedFrame::receivedAt).orElse(start.receivedAt());
            Optional<RecordedFrame> beforeLast = recording.frameAt(camera, end.minusNanos(1000))
                .filter(frame -> !frame.receivedAt().isBefore(start.receivedAt()));
            // the last frame shows as long as the one before it did
            double lastShown = beforeLast.map(frame -> micros(frame.receivedAt(), end) / 1000.0).orElse(40.0);
            writer = new MatroskaWriter(out, start.width(), start.height(), start.receivedAt(),
                    micros(start.receivedAt(), end) / 1000.0 + lastShown);
            for (List<RecordedFrame> page : recording.pages(camera, start.receivedAt(), to, PAGE)) {
                for (RecordedFrame frame : page) {
                    writeFrame(recording, writer, micros(start.receivedAt(), frame.receivedAt()) / 1000, frame);
                }
            }
        }
        else {
            Instant end = last.map(RecordedFrame::receivedAt).orElse(start.receivedAt());
            long intervals = Duration.between(start.receivedAt(), end).toNanos() / every.toNanos() + 1;
            writer = new MatroskaWriter(out, start.width(), start.height(), start.receivedAt(),
                    (double) intervals * TIMELAPSE_FRAME_MILLIS);
            Instant at = start.receivedAt();
            while (!at.isAfter(end)) {
                Instant next = at.plus(every);
                List<RecordedFrame> one = recording.frames(camera, at, next.isBefore(to) ? next : to, 1);
                if (!one.isEmpty()) {
                    writeFrame(recording, writer, writer.frames() * TIMELAPSE_FRAME_MILLIS, one.get(0));
                }
                at = next;
            }
        }
        writer.finish();
        return writer.frames();
    }

    private void writeFrame(RecordingReader recording, MatroskaWriter writer, long millis, RecordedFrame frame)
            throws IOException {
        byte[] bytes;
        try {
            bytes = recording.read(frame);
        }
        catch (UncheckedIOException ex) {
            return; // deleted by retention meanwhile
        }
        byte[] jpeg = "jpeg".equals(frame.format()) ? bytes : this.encoder.toJpeg(bytes);
        if (jpeg.length > 0) {
            writer.frame(millis, jpeg);
        }
    }

    /** An image of another format as JPEG; empty when it cannot be decoded. */
    public byte[] jpeg(byte[] image) {
        return this.encoder.toJpeg(image);
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1000;
    }

    interface MatroskaSource {

        long writeTo(OutputStream mkv) throws IOException;

    }

    /**
     * Runs ffmpeg: Matroska in on its stdin (from a thread of its own), fragmented MP4
     * out of its stdout, copied to {@code out}.
     */
    private static long remuxToMp4(OutputStream out, MatroskaSource source) throws IOException {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "matroska", "-i",
                "pipe:0", "-c", "copy", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof",
                "pipe:1")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        CompletableFuture<Long> fed = CompletableFuture.supplyAsync(() -> {
            try (OutputStream stdin = ffmpeg.getOutputStream()) {
                return source.writeTo(stdin);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }, runnable -> {
            Thread feeder = new Thread(runnable, "mp4-remux feeder");
            feeder.setDaemon(true);
            feeder.start();
        });
        try (InputStream stdout = ffmpeg.getInputStream()) {
            stdout.transferTo(out);
            out.flush();
            return fed.get(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            fed.cancel(true);
            throw ex instanceof IOException io ? io : new IOException("the MP4 remux failed: " + ex, ex);
        }
        finally {
            ffmpeg.destroy();
        }
    }

}
