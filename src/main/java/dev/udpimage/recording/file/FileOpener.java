package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * How the recording opens the files it appends to: the file system's own channels, or in
 * tests, channels that fail when told to.
 */
@FunctionalInterface
interface FileOpener {

    FileOpener DEFAULT = FileChannel::open;

    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;

}
