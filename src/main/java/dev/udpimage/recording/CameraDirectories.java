package dev.udpimage.recording;

/**
 * How a camera's directory is named on one machine ({@code recording/<camera>/}): its key
 * with {@code :} as {@code _} (an ip-port key, or IPv6), anything else unsafe as
 * {@code -}. Its segments, lists and events live there.
 */
public final class CameraDirectories {

    private CameraDirectories() {
    }

    public static String nameOf(String camera) {
        return camera.replace(':', '_').replaceAll("[^0-9A-Za-z._%-]", "-");
    }

    public static String cameraOf(String directory) {
        return directory.replace('_', ':');
    }

}
