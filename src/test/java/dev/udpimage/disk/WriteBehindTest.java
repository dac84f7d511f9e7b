package dev.udpimage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The write-behind queue with a sink that refuses when told: order kept, batches not
 * items, a refusal retried in order, what waits bounded while refusing (the oldest given
 * up and reported), callers made to wait for room only while the disk takes writes.
 */
class WriteBehindTest {

    /** A sink that records batches and refuses the Nth item from now on. */
    private static final class Sink implements WriteBehind.Sink<String> {

        final List<String> written = new CopyOnWriteArrayList<>();

        final List<Integer> batches = new CopyOnWriteArrayList<>();

        final AtomicInteger refuseAfter = new AtomicInteger(Integer.MAX_VALUE);

        volatile long slowMillis;

        @Override
        public void write(List<String> batch) throws WriteBehind.Refused {
            this.batches.add(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                if (this.refuseAfter.getAndDecrement() <= 0) {
                    this.refuseAfter.set(0);
                    throw new WriteBehind.Refused(i, new IOException("No space left on device"));
                }
                this.written.add(batch.get(i));
            }
            try {
                Thread.sleep(this.slowMillis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

    }

    private static final class Outcome implements WriteBehind.Outcome<String> {

        final List<String> dropped = Collections.synchronizedList(new ArrayList<>());

        final AtomicInteger refusals = new AtomicInteger();

        final AtomicInteger recoveries = new AtomicInteger();

        final AtomicInteger probes = new AtomicInteger();

        @Override
        public void recovered() {
            this.recoveries.incrementAndGet();
        }

        @Override
        public void refused(IOException why) {
            this.refusals.incrementAndGet();
        }

        @Override
        public void dropped(String item) {
            this.dropped.add(item);
        }

        @Override
        public boolean probe() {
            this.probes.incrementAndGet();
            return false;
        }

    }

    @Test
    void itemsAreWrittenInOrderInBatchesNotOneWakeEach() throws Exception {
        Sink sink = new Sink();
        try (WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 1, Duration.ofMillis(50),
                new WriteBehind.Limits(1000, 100, 1000, 1000), new Outcome())) {
            for (int i = 0; i < 200; i++) {
                behind.add("item" + i);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 200);
            assertThat(sink.written)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "item" + i).toList());
            assertThat(sink.batches).as("200 items gathered into a few batches").hasSizeLessThan(10);
        }
    }

    @Test
    void aRefusalIsRetriedInOrderAndWhileItLastsTheOldestAreGivenUpPastTheLimits() throws Exception {
        Sink sink = new Sink();
        Outcome outcome = new Outcome();
        sink.refuseAfter.set(3);
        try (WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 10, Duration.ofMillis(1),
                new WriteBehind.Limits(10_000, 5, 1000, 1000), outcome)) {
            for (int i = 0; i < 3; i++) {
                behind.add("a" + i);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 3);
            behind.add("b0");
            await().atMost(Duration.ofSeconds(5)).until(behind::refusing);
            // while refusing: never waits, keeps at most 5, gives up the oldest
            for (int i = 1; i < 8; i++) {
                behind.add("b" + i);
            }
            assertThat(behind.waiting()).isEqualTo(5);
            assertThat(outcome.dropped).containsExactly("b0", "b1", "b2");
            sink.refuseAfter.set(Integer.MAX_VALUE);
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 8);
            assertThat(sink.written).containsExactly("a0", "a1", "a2", "b3", "b4", "b5", "b6", "b7");
            assertThat(outcome.recoveries).hasValue(1);
            assertThat(outcome.refusals.get()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void whileTheDiskRefusesAndNothingWaitsItIsProbed() throws Exception {
        Sink sink = new Sink();
        Outcome outcome = new Outcome();
        sink.refuseAfter.set(0);
        try (WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 1, Duration.ofMillis(1),
                new WriteBehind.Limits(100, 0, 0, 100), outcome)) {
            behind.add("x");
            await().atMost(Duration.ofSeconds(5)).until(() -> outcome.dropped.contains("x"));
            await().atMost(Duration.ofSeconds(5)).until(() -> outcome.probes.get() >= 1);
        }
    }

    @Test
    void aCallerWaitsForRoomWhileTheDiskTakesWritesSoMemoryStaysBounded() throws Exception {
        Sink sink = new Sink();
        sink.slowMillis = 20;
        try (WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 100, Duration.ofMillis(1),
                new WriteBehind.Limits(300, 100, 1000, 2), new Outcome())) {
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                behind.add("i" + i);
                assertThat(behind.waiting()).as("at most 3 items of 100 bytes wait").isLessThanOrEqualTo(3);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the caller kept pace with the sink")
                .isGreaterThan(Duration.ofMillis(100));
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 20);
        }
    }

    @Test
    void anItemNotYetWrittenCanBeTakenBack() throws Exception {
        Sink sink = new Sink();
        try (WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 1, Duration.ofMillis(300),
                new WriteBehind.Limits(1000, 100, 1000, 1000), new Outcome())) {
            behind.add("kept");
            behind.add("evicted");
            assertThat(behind.remove("evicted")).isTrue();
            assertThat(behind.remove("never added")).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written.size() == 1);
            assertThat(sink.written).containsExactly("kept");
            assertThat(behind.remove("kept")).as("written already").isFalse();
        }
    }

    @Test
    void closingWritesWhatWaits() throws Exception {
        Sink sink = new Sink();
        WriteBehind<String> behind = new WriteBehind<>("test", sink, item -> 1, Duration.ofSeconds(10),
                new WriteBehind.Limits(1000, 100, 1000, 1000), new Outcome());
        behind.add("one");
        behind.add("two");
        assertThat(behind.close(Duration.ofSeconds(5))).isZero();
        assertThat(sink.written).containsExactly("one", "two");
    }

}
