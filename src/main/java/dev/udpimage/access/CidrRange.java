package dev.udpimage.access;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}, or a single
 * address). IPv4-mapped IPv6 addresses ({@code ::ffff:127.0.0.1}) match the IPv4 ranges
 * they map to.
 */
public record CidrRange(byte[] network, int prefixLength, String text) {

    public static CidrRange parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        // a literal address only: never a DNS lookup
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address range: '" + cidr + "'");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(address).getAddress();
        }
        catch (UnknownHostException ex) {
            throw new IllegalArgumentException("not an IP address range: '" + cidr + "'", ex);
        }
        int bits = network.length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length of '" + cidr + "' must be in 0.." + bits);
        }
        return new CidrRange(network, prefix, text);
    }

    public boolean contains(InetAddress candidate) {
        byte[] address = unmapped(candidate).getAddress();
        if (address.length != this.network.length) {
            return false;
        }
        int whole = this.prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != this.network[i]) {
                return false;
            }
        }
        int rest = this.prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (this.network[whole] & mask);
    }

    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            if (mapped && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                try {
                    return Inet4Address.getByAddress(new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] });
                }
                catch (UnknownHostException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return address;
    }

    @Override
    public String toString() {
        return this.text;
    }
}
