package dev.udpimage.store;

/**
 * What makes a camera of a sender ({@code udp.streams.key}): its address ({@code ip}: the
 * Python clients take a new port each run) or its address and port ({@code ip-port}).
 * Streams, the recording and events all group by it.
 */
public enum CameraKey {

    IP, IP_PORT;

    /**
     * The camera a sender ({@code ip:port}, or already a camera) belongs to: {@code ip},
     * or with {@code ip-port} the sender itself.
     */
    public String cameraOf(String sender) {
        if (this == IP_PORT) {
            return sender;
        }
        int colon = sender.lastIndexOf(':');
        // IPv4 ip:port (an IPv6 sender has many colons, and stays whole)
        boolean hasPort = colon > 0 && sender.indexOf(':') == colon;
        return hasPort ? sender.substring(0, colon) : sender;
    }

}
