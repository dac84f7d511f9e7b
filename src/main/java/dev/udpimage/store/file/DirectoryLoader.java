package dev.udpimage.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.disk.AtomicFiles;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what {@link StoreDirectory} wrote, once, at start-up: files that don't parse,
 * half-written images and leftover temporary files are skipped and reported (logged, and
 * counted in {@code udp.store.skipped.files}), never fatal.
 */
final class DirectoryLoader {

    private static final Logger log = LoggerFactory.getLogger(DirectoryLoader.class);

    private final Path images;

    private final Path lists;

    private final JsonMapper json;

    private final Counter skippedFiles;

    private final Function<ImageMetadata, Path> originalFile;

    DirectoryLoader(Path images, Path lists, JsonMapper json, MeterRegistry registry,
            Function<ImageMetadata, Path> originalFile) {
        this.images = images;
        this.lists = lists;
        this.json = json;
        this.originalFile = originalFile;
        this.skippedFiles = Counter.builder("udp.store.skipped.files")
            .description("Corrupt or half-written files skipped at start-up")
            .register(registry);
    }

    /** What was found, oldest first. */
    record Loaded(List<ReceivedImage> images, List<ReceivedList> lists, int skipped) {
    }

    Loaded load() {
        int[] skipped = { 0 };
        List<ReceivedImage> loadedImages = new ArrayList<>();
        for (Path metadataFile : jsonFiles(this.images, skipped)) {
            try {
                ImageMetadata metadata = this.json.readValue(metadataFile.toFile(), ImageMetadata.class);
                Path original = this.originalFile.apply(metadata);
                byte[] bytes = Files.readAllBytes(original);
                if (bytes.length != metadata.bytes()) {
                    throw new IOException(original.getFileName() + " has " + bytes.length + " bytes, its metadata says "
                            + metadata.bytes());
                }
                loadedImages.add(new ReceivedImage(metadata, bytes));
            }
            catch (IOException | RuntimeException ex) {
                skip(metadataFile, ex, skipped);
            }
        }
        List<ReceivedList> loadedLists = new ArrayList<>();
        for (Path listFile : jsonFiles(this.lists, skipped)) {
            try {
                loadedLists.add(this.json.readValue(listFile.toFile(), ReceivedList.class));
            }
            catch (RuntimeException ex) {
                skip(listFile, ex, skipped);
            }
        }
        loadedImages.sort(Comparator.comparingLong(ReceivedImage::id));
        loadedLists.sort(Comparator.comparingLong(ReceivedList::id));
        log.info("Loaded {} images and {} lists from the store ({} files skipped)", loadedImages.size(),
                loadedLists.size(), skipped[0]);
        return new Loaded(loadedImages, loadedLists, skipped[0]);
    }

    /**
     * The complete {@code *.json} files of a folder; leftover temporary files are removed
     * and reported.
     */
    private List<Path> jsonFiles(Path folder, int[] skipped) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> complete = new ArrayList<>();
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(AtomicFiles.TMP)) {
                    skip(file, new IOException("half-written (temporary file left by a crash)"), skipped);
                    Files.deleteIfExists(file);
                }
                else if (name.endsWith(".json")) {
                    complete.add(file);
                }
            }
            return complete;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the store directory " + folder, ex);
        }
    }

    private void skip(Path file, Exception why, int[] skipped) {
        skipped[0]++;
        this.skippedFiles.increment();
        log.warn("Skipped {} at start-up: {}", file, why.getMessage());
    }

}
