package dev.udpimage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Group commit with a committer that fails when told: whoever waits shares a commit with
 * those who asked meanwhile, a failure reaches exactly the items it concerns, and a dead
 * thread fails every wait at once.
 */
class GroupCommitTest {

    private static final GroupCommit.Outcome NOTHING = new GroupCommit.Outcome() {

        @Override
        public void succeeded() {
        }

        @Override
        public void failed(IOException why) {
        }

        @Override
        public void stopped(IOException why) {
        }

    };

    @Test
    void concurrentWaitersShareCommits() throws Exception {
        List<Set<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch firstCommit = new CountDownLatch(1);
        try (GroupCommit<Integer> commit = new GroupCommit<>("test", Duration.ofSeconds(1), Duration.ofSeconds(10),
                (batch, failed) -> {
                    batches.add(Set.copyOf(batch));
                    try {
                        // the first commit is slow: the others gather meanwhile
                        firstCommit.await(2, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }, NOTHING)) {
            ExecutorService workers = Executors.newFixedThreadPool(8);
            Future<?> first = workers.submit(() -> commit.await(0));
            Thread.sleep(200);
            List<Future<?>> others = new java.util.ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                int item = i;
                others.add(workers.submit(() -> commit.await(item)));
            }
            Thread.sleep(200);
            firstCommit.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (Future<?> other : others) {
                other.get(5, TimeUnit.SECONDS);
            }
            workers.shutdown();
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
        }
    }

    @Test
    void aFailedItemFailsItsWaiterOnlyAndAFailedCommitFailsAll() throws Exception {
        try (GroupCommit<Integer> commit = new GroupCommit<>("test", Duration.ofMillis(10), Duration.ofSeconds(10),
                (batch, failed) -> {
                    for (int item : batch) {
                        if (item < 0) {
                            throw new IOException("the directory could not be forced");
                        }
                        if (item % 2 == 1) {
                            failed.failed(item, new IOException("odd"));
                        }
                    }
                }, NOTHING)) {
            commit.await(2);
            assertThatThrownBy(() -> commit.await(3)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("odd");
            assertThatThrownBy(() -> commit.await(-1)).hasMessageContaining("directory");
        }
    }

    @Test
    @SuppressWarnings("removal")
    void aDeadThreadFailsEveryWaitAtOnce() throws Exception {
        CountDownLatch inCommit = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<IOException> stopped = new java.util.concurrent.atomic.AtomicReference<>();
        GroupCommit<Integer> commit = new GroupCommit<>("dying", Duration.ofMillis(10), Duration.ofSeconds(30),
                (batch, failed) -> {
                    inCommit.countDown();
                    throw new OutOfMemoryError("simulated");
                }, new GroupCommit.Outcome() {

                    @Override
                    public void succeeded() {
                    }

                    @Override
                    public void failed(IOException why) {
                    }

                    @Override
                    public void stopped(IOException why) {
                        stopped.set(why);
                    }

                });
        long started = System.nanoTime();
        assertThatThrownBy(() -> commit.await(1)).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("commit thread stopped");
        assertThatThrownBy(() -> commit.await(2)).hasMessageContaining("commit thread stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(stopped.get()).isNotNull();
        commit.close();
    }

}
