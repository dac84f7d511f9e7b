package dev.udpimage.notify.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Snapshots waiting for the broker stay within their bytes: each camera's newest only,
 * the oldest camera's dropped past the bound, what is in flight counted per connection.
 */
class SnapshotOutboxTest {

    private final SnapshotOutbox outbox = new SnapshotOutbox(100);

    @Test
    void aNewerSnapshotOfACameraReplacesTheOneWaiting() {
        assertThat(this.outbox.put("a", new byte[30])).isZero();
        assertThat(this.outbox.put("a", new byte[40])).isZero();
        assertThat(this.outbox.bytes()).isEqualTo(40);
        assertThat(this.outbox.take()).singleElement().satisfies(sent -> assertThat(sent.bytes()).hasSize(40));
    }

    @Test
    void pastTheBoundTheOldestCamerasSnapshotIsDropped() {
        this.outbox.put("a", new byte[40]);
        this.outbox.put("b", new byte[40]);
        assertThat(this.outbox.put("c", new byte[40])).isEqualTo(1);
        assertThat(this.outbox.take()).extracting(SnapshotOutbox.Outgoing::topic).containsExactly("b", "c");
    }

    @Test
    void whatIsInFlightCountsUntilDoneAndOneLargerThanTheBoundStillGoes() {
        this.outbox.put("big", new byte[150]);
        List<SnapshotOutbox.Outgoing> first = this.outbox.take();
        assertThat(first).hasSize(1);
        this.outbox.put("a", new byte[10]);
        assertThat(this.outbox.take()).as("waits while the bytes in flight are over the bound").isEmpty();
        this.outbox.done(first.get(0));
        assertThat(this.outbox.take()).extracting(SnapshotOutbox.Outgoing::topic).containsExactly("a");
    }

    @Test
    void aNewConnectionStartsFromNothingInFlightAndIgnoresTheOldCount() {
        this.outbox.put("a", new byte[80]);
        SnapshotOutbox.Outgoing lost = this.outbox.take().get(0);
        this.outbox.connected();
        this.outbox.done(lost);
        assertThat(this.outbox.bytes()).isZero();
        this.outbox.retry(lost);
        assertThat(this.outbox.take()).extracting(SnapshotOutbox.Outgoing::topic).containsExactly("a");
    }

    @Test
    void aFailedSnapshotWaitsAgainUnlessANewerOneDoes() {
        this.outbox.put("a", new byte[10]);
        SnapshotOutbox.Outgoing failed = this.outbox.take().get(0);
        this.outbox.put("a", new byte[20]);
        this.outbox.retry(failed);
        assertThat(this.outbox.take()).singleElement().satisfies(sent -> assertThat(sent.bytes()).hasSize(20));
    }

}
