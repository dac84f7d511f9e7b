package dev.udpimage.api.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What protected mode answers without credentials: a request from this machine itself.
 * That is a connection from a loopback address, not relayed by a proxy (which would make
 * every client look local: no {@code Forwarded} or {@code X-Forwarded-For} header), and
 * addressed to this machine by a loopback name or address ({@code Host: localhost:8080},
 * {@code 127.0.0.1}, {@code [::1]}), so that a web page whose own domain name was pointed
 * at 127.0.0.1 (DNS rebinding) cannot use a local browser to reach the API.
 */
final class LocalRequests {

    private LocalRequests() {
    }

    static boolean isLocal(HttpServletRequest request) {
        return isLoopback(request.getRemoteAddr()) && request.getHeader("Forwarded") == null
                && request.getHeader("X-Forwarded-For") == null && isLoopbackName(request.getServerName());
    }

    /**
     * @param address an address literal (never a name: that would be looked up)
     */
    private static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            // a literal address from the connection: no name lookup happens
            return InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

    private static boolean isLoopbackName(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!isAddressLiteral(name)) {
            return false;
        }
        return isLoopback(name);
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal, which {@link InetAddress} parses without
     * DNS.
     */
    private static boolean isAddressLiteral(String name) {
        return name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

}
