package dev.udpimage.recording.format;

import java.io.IOException;

/**
 * The one binary search of the recording: the last position whose time is at or before an
 * instant, over anything sorted by time (a camera's segments by their first frame, a
 * segment's index entries).
 */
public final class IndexSearch {

    private IndexSearch() {
    }

    /** The time at a position. */
    @FunctionalInterface
    public interface Times {

        long at(long position) throws IOException;

    }

    /**
     * The last of {@code count} positions whose time is at or before {@code micros}, or
     * -1 when every time is later.
     */
    public static long floor(long count, Times times, long micros) throws IOException {
        long low = 0;
        long high = count - 1;
        long found = -1;
        while (low <= high) {
            long mid = (low + high) >>> 1;
            if (times.at(mid) <= micros) {
                found = mid;
                low = mid + 1;
            }
            else {
                high = mid - 1;
            }
        }
        return found;
    }

}
