package dev.udpimage.flow;

import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Instant;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

import dev.udpimage.access.AllowedSenders;
import dev.udpimage.decode.ListDecoder;
import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.udp.DatagramInboundAdapter;
import dev.udpimage.store.StoreProperties;
import dev.udpimage.udp.UdpPortsProperties;

/**
 * The list port's flow, a datagram's journey: <pre>
 * datagram → parse JSON (Jackson) → store → reply "get the msg"
 * any step rejects → count, log, reply "error: &lt;reason&gt;"
 * </pre> A list is one datagram, handled on the port's receive thread in arrival order;
 * the reply leaves only after the list is visible in the store.
 */
@Configuration(proxyBeanMethods = false)
public class ListPortFlow implements DisposableBean {

    private final DatagramChannel socket;

    private final Replies replies;

    /** Store, acknowledge, reply. */
    private LastSteps lastSteps;

    ListPortFlow(DatagramChannel listSocket, Replies listReplies) {
        this.socket = listSocket;
        this.replies = listReplies;
    }

    @Bean
    DatagramInboundAdapter listInbound(UdpPortsProperties properties, AllowedSenders allowedSenders) {
        DatagramInboundAdapter adapter = new DatagramInboundAdapter(this.socket, "udp-list", properties.receiveSpin(),
                this.replies.senderCheck(allowedSenders));
        adapter.setErrorChannelName("listErrors.input");
        return adapter;
    }

    @Bean
    IntegrationFlow listFlow(DatagramInboundAdapter listInbound, ListDecoder decoder, ReceivedStore store,
            StoreProperties properties) {
        this.lastSteps = new LastSteps("list", store, properties,
                (reply, to, error) -> this.replies.send(this.socket, reply, to, error));
        return IntegrationFlow.from(listInbound)
            .handle(byte[].class, (datagram, headers) -> parse(datagram, decoder, headers))
            .handle(ReceivedList.class, (list, headers) -> {
                SocketAddress sender = Replies.source(headers);
                return this.lastSteps.run(sender, "a list", (long) list.bytes() * StoreProperties.JSON_TREE_FACTOR,
                        () -> {
                            store.saveList(list);
                            return this.replies.acknowledge(0, LegacyProtocol.LIST_REPLY);
                        }, unavailable -> this.replies.rejected(sender, unavailable));
            })
            .get();
    }

    @Bean
    IntegrationFlow listErrors() {
        return flow -> flow.handle(MessagingException.class, (error, headers) -> this.replies.error(error))
            .handle(this.replies.from(this.socket, true));
    }

    @Override
    public void destroy() throws InterruptedException {
        if (this.lastSteps != null) {
            this.lastSteps.destroy();
        }
    }

    private ReceivedList parse(byte[] datagram, ListDecoder decoder, MessageHeaders headers) {
        SocketAddress sender = Replies.source(headers);
        this.replies.received(sender, datagram.length);
        return new ReceivedList(0, Replies.address(sender), Instant.now(), datagram.length, decoder.decode(datagram));
    }

}
