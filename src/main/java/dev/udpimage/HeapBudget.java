package dev.udpimage;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.udpimage.decode.PixelDecoder;
import dev.udpimage.events.MotionProperties;
import dev.udpimage.events.analysis.MotionStage;
import dev.udpimage.events.file.FileEventStore;
import dev.udpimage.notify.mqtt.MqttProperties;
import dev.udpimage.protocol.ImageReassembler;
import dev.udpimage.store.StoreProperties;
import dev.udpimage.stream.StreamsProperties;
import dev.udpimage.udp.TransferProperties;

/**
 * What the bounded state can hold on the heap, all of it at once: the history of images
 * (file backend; the cluster's cache of recent images) and of lists, what waits for the
 * store workers, the legacy and the reliable-mode transfers in progress (each up to
 * {@code max-inflight-bytes}), the reassembler's pool of spare blocks, the streams'
 * newest frames, the pixel decoder's share, the motion analysis (its detectors and the
 * frames waiting), the events kept and what MQTT holds while its broker is away. Settings
 * that cannot fit in three quarters of the heap are refused at start: a history loaded at
 * start that does not fit would fail the start with an OutOfMemoryError after a long
 * load, and a flood that fills every bound would end in one. A quarter of the heap stays
 * for everything else. The check runs before any bean is made (a bean factory
 * post-processor binding the settings itself).
 */
@Component
public class HeapBudget implements BeanFactoryPostProcessor, EnvironmentAware {

    static final String REFUSAL = "udp.store.max-bytes, twice udp.transfer.max-inflight-bytes (legacy and reliable), "
            + "udp.streams.max-bytes and udp.motion.max-cameras' detectors, with 101MB of fixed buffers (and 8MB "
            + "more for the motion analysis, 5MB for MQTT), must fit in three quarters of the heap";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        Binder binder = Binder.get(this.environment);
        long held = heldInMemory(binder.bindOrCreate("udp.store", StoreProperties.class),
                binder.bindOrCreate("udp.transfer", TransferProperties.class),
                binder.bindOrCreate("udp.streams", StreamsProperties.class),
                binder.bindOrCreate("udp.motion", MotionProperties.class))
                + notifications(binder.bindOrCreate("udp.mqtt", MqttProperties.class));
        long allowed = Runtime.getRuntime().maxMemory() / 4 * 3;
        if (held > allowed) {
            throw new TooLarge(held, allowed);
        }
    }

    /** The most the bounded state can hold on the heap with these settings. */
    public static long heldInMemory(StoreProperties store, TransferProperties transfer, StreamsProperties streams,
            MotionProperties motion) {
        return store.bytesInMemory() + StoreProperties.LIST_BYTES + 2 * StoreProperties.WAITING_BYTES
                + 2 * transfer.maxInflightBytes().toBytes() + ImageReassembler.POOLED_BYTES
                + streams.maxBytes().toBytes() + PixelDecoder.HEAP_BYTES + MotionStage.heldInMemory(motion)
                + FileEventStore.MAX_EVENTS * EVENT_BYTES;
    }

    /**
     * What MQTT holds while its broker is away: the snapshots waiting, and a kilobyte for
     * each other message.
     */
    static long notifications(MqttProperties mqtt) {
        return mqtt.enabled() ? mqtt.maxSnapshotBytes().toBytes() + mqtt.maxQueued() * 1024L : 0;
    }

    /** What a kept event holds on the heap (file backend), at most. */
    static final long EVENT_BYTES = 512;

    /** The settings hold more than the heap allows. */
    static final class TooLarge extends IllegalStateException {

        private final long held;

        TooLarge(long held, long allowed) {
            super(REFUSAL + ": they may hold " + (held >> 20) + " MB, three quarters of the heap is " + (allowed >> 20)
                    + " MB");
            this.held = held;
        }

    }

    /** Says what to change, as Spring Boot does for settings it refuses. */
    public static final class Analyzer extends AbstractFailureAnalyzer<TooLarge> {

        @Override
        protected FailureAnalysis analyze(Throwable root, TooLarge cause) {
            return new FailureAnalysis(cause.getMessage(), "Raise -Xmx (jvm.options) to at least "
                    + ((cause.held / 3 * 4) >> 20) + " MB, or lower those settings.", cause);
        }

    }

}
