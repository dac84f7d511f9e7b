package dev.udpimage.api.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.udpimage.access.CidrRange;

/**
 * The cameras a user may see: camera ids ({@code 192.168.1.20}, or
 * {@code 192.168.1.20:5000} when cameras are keyed by address and port) and address
 * ranges ({@code 192.168.1.0/24}, written as the allow-lists are), or all of them. A
 * range matches a camera by its address, whatever its port.
 */
public final class CameraSet {

    /** Every camera. */
    public static final CameraSet ALL = new CameraSet(null, List.of(), List.of());

    /** No camera (a request without a user). */
    public static final CameraSet NONE = new CameraSet(Set.of(), List.of(), List.of());

    private final Set<String> ids;

    private final List<CidrRange> ranges;

    private final List<String> written;

    private CameraSet(Set<String> ids, List<CidrRange> ranges, List<String> written) {
        this.ids = ids;
        this.ranges = ranges;
        this.written = written;
    }

    /**
     * From configuration: an empty list is every camera.
     * @throws IllegalArgumentException for an entry that is neither an id nor a range
     */
    public static CameraSet of(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return ALL;
        }
        List<String> ids = new ArrayList<>();
        List<CidrRange> ranges = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.strip();
            if (text.contains("/")) {
                ranges.add(CidrRange.parse(text));
            }
            else if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("not a camera id: '" + entry + "'");
            }
            else {
                ids.add(text);
            }
        }
        return new CameraSet(Set.copyOf(ids), List.copyOf(ranges), List.copyOf(entries));
    }

    public boolean all() {
        return this.ids == null;
    }

    /**
     * Whether the camera is in the set.
     * @param camera a camera id as the service keys cameras ({@code ip} or
     * {@code ip:port})
     */
    public boolean allows(String camera) {
        if (this.ids == null) {
            return true;
        }
        if (camera == null) {
            return false;
        }
        if (this.ids.contains(camera)) {
            return true;
        }
        if (this.ranges.isEmpty()) {
            return false;
        }
        InetAddress address = address(camera);
        return address != null && this.ranges.stream().anyMatch(range -> range.contains(address));
    }

    /** As configured; empty for all. */
    public List<String> entries() {
        return this.ids == null ? List.of() : this.written;
    }

    /**
     * The address of {@code ip}, {@code ip:port} or {@code [v6]:port}; never a lookup.
     */
    private static InetAddress address(String camera) {
        String host = camera;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        }
        else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') > 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        if (!host.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        }
        catch (UnknownHostException ex) {
            return null;
        }
    }

    @Override
    public String toString() {
        return this.ids == null ? "all cameras" : String.join(", ", this.written);
    }

}
