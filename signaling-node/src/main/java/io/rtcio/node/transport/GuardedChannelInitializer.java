package io.rtcio.node.transport;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.handler.InPacketHandler;
import com.corundumstudio.socketio.handler.PacketListener;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.rtcio.node.ratelimit.RateLimiter;
import java.lang.reflect.Field;

/**
 * netty-socketio's pipeline with our edge in place of its packet decoder: the {@link CorsHandler}
 * (every HTTP request) and the {@link PacketGuard} (every packet batch, decoded by us and handed to
 * netty-socketio's packet listener); at the end the {@link PostReplyDeferral} (polling POSTs stay
 * in order) and the {@link TransportErrorHandler} (unhandled errors close the connection); its
 * encoder gets the {@link PollingBatchEncoder} (no packet lost from a full polling response), and
 * WebSocket packets are framed by the {@link WebSocketPacketWriter} before they reach it. When an
 * Engine.IO session ends, its rate-limit and guard state go with it.
 *
 * <p>netty-socketio exposes neither its packet listener nor its session table; they are read from
 * its initializer once it has started (the version is pinned, and start-up fails loudly when the
 * fields are not there).
 */
final class GuardedChannelInitializer extends SocketIOChannelInitializer {

    private static final String FLUSH_CONSOLIDATION = "flush-consolidation";

    private static final PostReplyDeferral POST_REPLY_DEFERRAL = new PostReplyDeferral();
    private static final TransportErrorHandler TRANSPORT_ERRORS = new TransportErrorHandler();
    private static final WebSocketCloseFrames WEBSOCKET_CLOSE_FRAMES = new WebSocketCloseFrames();

    private final CorsHandler cors;
    private final PacketGuard guard;
    private final RateLimiter limiter;
    private EncoderHandler encoder;
    private WebSocketPacketWriter webSocketWriter;

    GuardedChannelInitializer(CorsHandler cors, PacketGuard guard, RateLimiter limiter) {
        this.cors = cors;
        this.guard = guard;
        this.limiter = limiter;
    }

    @Override
    public void start(Configuration configuration, NamespacesHub namespacesHub) {
        super.start(configuration, namespacesHub);
        PollingBatchEncoder packets = new PollingBatchEncoder(configuration, configuration.getJsonSupport());
        webSocketWriter = new WebSocketPacketWriter(packets, configuration.getMaxFramePayloadLength());
        try {
            encoder = new EncoderHandler(configuration, packets);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("netty-socketio's encoder handler did not start: " + e, e);
        }
        try {
            InPacketHandler handler = (InPacketHandler) read(SocketIOChannelInitializer.class, this, "packetHandler");
            PacketListener listener = (PacketListener) read(InPacketHandler.class, handler, "packetListener");
            ClientsBox clients = (ClientsBox) read(SocketIOChannelInitializer.class, this, "clientsBox");
            guard.bind(new PacketGuard.NettyParts(listener, namespacesHub, clients));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("this netty-socketio version does not have the internals the packet guard "
                    + "needs (packetHandler, packetListener, clientsBox): " + e, e);
        }
    }

    private static Object read(Class<?> owner, Object target, String name) throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        Object value = field.get(target);
        if (value == null) {
            throw new NoSuchFieldException(name + " is not set");
        }
        return value;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        // Next to the socket: writes flushed while no read is in progress on this channel (a relay
        // from another socket, a bus delivery) are flushed once at the end of the event loop's
        // current batch, so the relays one read brings for one target leave in one write(2).
        pipeline.addFirst(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        pipeline.addBefore(PACKET_HANDLER, CorsHandler.NAME, cors);
        // Before the CORS handler: after the upgrade the WebSocket encoder takes the HTTP codec's
        // place in front of it, so the close frame written here is encoded.
        pipeline.addBefore(CorsHandler.NAME, WebSocketCloseFrames.NAME, WEBSOCKET_CLOSE_FRAMES);
        pipeline.replace(PACKET_HANDLER, PacketGuard.NAME, guard);
        pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
        // Outbound, before netty-socketio's encoder: WebSocket packets are framed here.
        pipeline.addAfter(SOCKETIO_ENCODER, WebSocketPacketWriter.NAME, webSocketWriter);
        pipeline.addLast(PostReplyDeferral.NAME, POST_REPLY_DEFERRAL);
        pipeline.addLast(TransportErrorHandler.NAME, TRANSPORT_ERRORS);
    }

    @Override
    public void onDisconnect(ClientHead client) {
        super.onDisconnect(client);
        limiter.forget(client.getSessionId());
        guard.forget(client.getSessionId());
        TransportChannels.ended(client.getSessionId());
    }
}
