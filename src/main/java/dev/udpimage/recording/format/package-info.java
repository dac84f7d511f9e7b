/**
 * The recording's one self-describing format, written by both backends: a segment is
 * {@link dev.udpimage.recording.format.FrameRecord}s back to back (a {@code .seg} file,
 * or one object in object storage), and its index is fixed-size
 * {@link dev.udpimage.recording.format.IndexEntry}s in time order (a {@code .idx} file,
 * or a column). A segment alone is enough to rebuild its index
 * ({@link dev.udpimage.recording.format.SegmentScan}); index times strictly increase per
 * camera ({@link dev.udpimage.recording.format.IndexTimes}). No Spring, no I/O policy:
 * the backends decide where the bytes go.
 */
package dev.udpimage.recording.format;
