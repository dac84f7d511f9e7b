package dev.udpimage.bench;

import java.net.InetSocketAddress;

/**
 * The legacy sender that drives every receiver in a run: {@link NativeSender}, or
 * {@link JavaSender}.
 */
interface Sender {

    String describe();

    Row stopAndWait(String name, String target, InetSocketAddress address, byte[] image, int count) throws Exception;

    Row concurrent(String name, String target, InetSocketAddress address, byte[] image, int senders, int each)
            throws Exception;

    Row lists(String name, String target, InetSocketAddress address, int count) throws Exception;

}
