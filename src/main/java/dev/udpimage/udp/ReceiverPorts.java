package dev.udpimage.udp;

/**
 * The UDP ports actually bound (they differ from the configured ones when those are 0).
 */
public record ReceiverPorts(int image, int list) {
}
