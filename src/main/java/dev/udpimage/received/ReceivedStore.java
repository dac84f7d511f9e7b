package dev.udpimage.received;

import java.util.List;
import java.util.Optional;

/** Where received images and lists are kept. Implementations are thread-safe and bounded. */
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
}
