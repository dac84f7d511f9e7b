package dev.udpimage.access;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Who may send to the UDP ports ({@code udp.allowed-senders}, CIDR ranges): by default
 * loopback and the private and link-local ranges, what a camera on the user's own network
 * has. A datagram from anywhere else is dropped before it is read, never answered (so the
 * ports reflect nothing to a spoofed victim), and counted by the port.
 */
@Component
public class AllowedSenders {

    private final List<CidrRange> ranges;

    private final boolean everyone;

    @Autowired
    public AllowedSenders(AllowedSendersProperties properties) {
        this(properties.allowedSenders());
    }

    public AllowedSenders(List<String> ranges) {
        this.ranges = ranges.stream().map(CidrRange::parse).toList();
        this.everyone = this.ranges.stream().anyMatch(range -> range.prefixLength() == 0 && range.network().length == 4)
                && this.ranges.stream().anyMatch(range -> range.prefixLength() == 0 && range.network().length == 16);
    }

    /** Whether datagrams from {@code address} may be read. */
    public boolean allows(InetAddress address) {
        if (address == null) {
            return false;
        }
        for (CidrRange range : this.ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A check for one port's thread: it remembers the last address it allowed, so a
     * sender's datagrams after the first cost one comparison. Not thread-safe.
     */
    public Check forOnePort() {
        return new Check();
    }

    /** See {@link #forOnePort()}. */
    public final class Check {

        private InetAddress lastAllowed;

        private Check() {
        }

        public boolean allows(SocketAddress source) {
            if (AllowedSenders.this.everyone) {
                return true;
            }
            if (!(source instanceof InetSocketAddress inet)) {
                return false;
            }
            InetAddress address = inet.getAddress();
            if (address != null && address.equals(this.lastAllowed)) {
                return true;
            }
            boolean allowed = AllowedSenders.this.allows(address);
            if (allowed) {
                this.lastAllowed = address;
            }
            return allowed;
        }

    }

}
