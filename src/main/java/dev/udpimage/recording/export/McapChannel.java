package dev.udpimage.recording.export;

/**
 * A declared channel: its record, its counts, and its messages in the chunk being
 * gathered.
 */
final class McapChannel {

    final int id;

    /** Its Channel record, as written in the data section and the summary. */
    final byte[] record;

    /** Log time and offset of each of its messages in the chunk being gathered. */
    final McapBuffer index = new McapBuffer(256);

    /** Of its last message: the first is 1. */
    int sequence;

    long count;

    long lastLogTime;

    McapChannel(int id, byte[] record) {
        this.id = id;
        this.record = record;
    }

}
