package dev.udpimage.store;

import java.util.List;
import java.util.Optional;

/**
 * Where received images and lists are kept: the one seam between the receive path (which
 * saves) and the HTTP API (which reads). Implementations are thread-safe and bounded,
 * assign increasing ids, make an item visible to every reader before {@code save*}
 * returns, and then tell each {@link StoreListener} bean.
 */
public interface ReceivedStore {

    /** Stores an image; the id of {@code metadata} is ignored and a new one assigned. */
    ReceivedImage saveImage(ImageMetadata metadata, byte[] original);

    /** Stores a list; its id is ignored and a new one assigned. */
    ReceivedList saveList(ReceivedList list);

    Optional<ReceivedImage> latestImage();

    Optional<ReceivedImage> image(long id);

    /** Metadata of the kept images, newest first. */
    List<ImageMetadata> images();

    Optional<ReceivedList> latestList();

    /** The kept lists, newest first. */
    List<ReceivedList> lists();

    /**
     * Whether saving waits on a device or the network (an fsync, a database, object
     * storage): then the receive path saves off its ports' threads. A store that saves in
     * memory saves at once, on the port's thread.
     */
    default boolean blocksOnSave() {
        return false;
    }

}
