package dev.udpimage.notify.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The cameras whose discovery configs were published, to publish them all again when Home
 * Assistant asks: at most {@code max}, the least recently seen forgotten (published again
 * when it comes back). The republishing runs on a thread of its own, one at a time, with
 * at most one more asked for meanwhile. Thread-safe.
 */
final class KnownCameras {

    private final Map<String, Boolean> cameras;

    private final ThreadPoolExecutor republisher;

    KnownCameras(int max) {
        this.cameras = new LinkedHashMap<>(16, 0.75f, true) {

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > max;
            }

        };
        this.republisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), runnable -> {
            Thread thread = new Thread(runnable, "mqtt-discovery");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Remembers a camera as just seen; whether it was new. */
    synchronized boolean seen(String camera) {
        return this.cameras.put(camera, Boolean.TRUE) == null;
    }

    /** The cameras remembered, least recently seen first. */
    synchronized List<String> all() {
        return new ArrayList<>(this.cameras.keySet());
    }

    /** Runs a republishing in the background, unless one more waits already. */
    void republish(Runnable republishing) {
        this.republisher.execute(republishing);
    }

    void stop() {
        this.republisher.shutdownNow();
    }

}
