package dev.udpimage.store;

/**
 * Hears what a {@link ReceivedStore} has made visible, on the thread that stored it,
 * after it is visible to readers. Implementations must return at once (hand the work to a
 * thread of their own): they run on the UDP ports' receive threads.
 */
public interface StoreListener {

    /**
     * An image this instance stored, with its bytes; by default,
     * {@link #imageStored(ImageMetadata)}.
     */
    default void imageStored(ReceivedImage image) {
        imageStored(image.metadata());
    }

    /** An image stored, by this instance or (cluster store) another. */
    default void imageStored(ImageMetadata image) {
    }

    default void listStored(ReceivedList list) {
    }

}
