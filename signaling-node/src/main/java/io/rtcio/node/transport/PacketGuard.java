package io.rtcio.node.transport;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.PacketListener;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.rtcio.node.extension.TappedEvent;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.ratelimit.RateLimiter;
import io.rtcio.node.session.LocalSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge, and the only reader of client bytes: every batch of Engine.IO packets is decoded here,
 * once, by the strict {@link InboundCodec}, checked, and what passes is handed to netty-socketio's
 * packet listener already decoded (netty-socketio's own decoder never runs).
 * <ul>
 *   <li>A session that is over (engine CLOSE, its last namespace DISCONNECT, transport gone)
 *       processes nothing more, not even the rest of the batch that ended it, and its transport is
 *       closed.</li>
 *   <li>A WebSocket message is one packet; a polling body is packets separated by U+001E.</li>
 *   <li>At most one ping and one pong per batch are handled; every ping counts against the
 *       session's {@link RateLimiter}. The upgrade workaround is armed on {@code 2probe} only,
 *       once per session.</li>
 *   <li>Namespace CONNECT packets and events refused here count against the session's
 *       {@link RateLimiter} at once (a CONNECT over the burst is dropped; a session that keeps
 *       flooding is disconnected). Events that pass are counted, and shaped, by the
 *       {@link EventRouter} that handles them.</li>
 *   <li>A namespace CONNECT without an auth object gets an empty one, so the auth hook runs for
 *       every client; {@code /} written out names the default namespace.</li>
 *   <li>An event refused by the codec (too large, malformed, binary) or whose name is not an
 *       event of its namespace is dropped and answered with {@code error}; the other packets of
 *       the batch go on, the connection stays. Other refused packets are dropped.</li>
 *   <li>Every event packet, accepted or refused, is shown to the event taps.</li>
 *   <li>Nothing a client sent is logged: lengths and reasons only.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class PacketGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "rtcioPacketGuard";
    /** A namespace CONNECT carries at most a token and a few fields. */
    static final int MAX_CONNECT_BYTES = 8192;

    private static final Logger log = LoggerFactory.getLogger(PacketGuard.class);
    private static final byte RECORD_SEPARATOR = 0x1e;

    private final InboundCodec codec;
    private final int maxEventBytes;
    private final Function<String, EventRouter> routers;
    private final RateLimiter limiter;
    private final EdgeTaps taps;
    private final SignalingMetrics metrics;
    private final UpgradeNoopFix upgradeFix;
    /** Live sessions that sent something, with when they were first seen (nanos). */
    private final Map<UUID, Long> sessions = new ConcurrentHashMap<>();
    private final Departures departures = new Departures();
    private volatile NettyParts netty;

    /** What of netty-socketio's server the guard hands decoded packets to. */
    record NettyParts(PacketListener listener, NamespacesHub namespaces, ClientsBox clients) {
    }

    /** @param routers the router of a namespace ({@code /} for the default one), or null when there is none */
    PacketGuard(int maxEventBytes, Function<String, EventRouter> routers, RateLimiter limiter, EdgeTaps taps,
                SignalingMetrics metrics, UpgradeNoopFix upgradeFix) {
        this.codec = new InboundCodec(maxEventBytes, MAX_CONNECT_BYTES);
        this.maxEventBytes = maxEventBytes;
        this.routers = routers;
        this.limiter = limiter;
        this.taps = taps;
        this.metrics = metrics;
        this.upgradeFix = upgradeFix;
    }

    /** Connects the guard to the server it guards, once that server has started. */
    void bind(NettyParts parts) {
        this.netty = parts;
    }

    /** Whether {@code session} is a live Engine.IO session of this server. */
    boolean alive(UUID session) {
        NettyParts parts = netty;
        if (parts == null) {
            return false;
        }
        ClientHead head = parts.clients().get(session);
        return head != null && head.isConnected();
    }

    /** The live session {@code session}, or null. */
    ClientHead head(UUID session) {
        NettyParts parts = netty;
        ClientHead head = parts == null ? null : parts.clients().get(session);
        return head != null && head.isConnected() ? head : null;
    }

    /** The sessions that sent something and have not been forgotten, with when they were first seen. */
    Map<UUID, Long> sessions() {
        return sessions;
    }

    /** Records a new Engine.IO session (its transport just bound), for the connect timeout. */
    void opened(UUID session) {
        sessions.putIfAbsent(session, System.nanoTime());
    }

    /** Forgets a session that ended. */
    void forget(UUID session) {
        sessions.remove(session);
        upgradeFix.forget(session);
        // Not the departures: netty-socketio ends the session before it runs the disconnect
        // listeners that read them; the sweep drops those of sessions that are over.
    }

    /** Which sessions the client ended on purpose. */
    Departures departures() {
        return departures;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request && HttpMethod.POST.equals(request.method())) {
            // A polling POST: its packets are dispatched within this call; answer it only after.
            PostReplyDeferral.hold(ctx);
            try {
                ctx.fireChannelRead(msg);
            } finally {
                PostReplyDeferral.release(ctx);
            }
            return;
        }
        if (msg instanceof CloseWebSocketFrame) {
            NettyParts parts = netty;
            ClientHead closing = parts == null ? null : parts.clients().get(ctx.channel());
            if (closing != null && !TransportChannels.closedByServer(closing.getSessionId())) {
                // A close frame: the client (a browser tab closing, say) leaves on purpose.
                departures.closed(closing.getSessionId());
            }
        }
        if (!(msg instanceof PacketsMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ClientHead client = message.getClient();
        if (!isLive(client)) {
            log.debug("closing a transport whose session is over");
            ctx.channel().close();
            return;
        }
        sessions.putIfAbsent(client.getSessionId(), System.nanoTime());
        TransportChannels.seen(client.getSessionId(), ctx.channel());
        ByteBuf content = message.getContent();
        byte[] bytes = ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false);
        Transport transport = message.getTransport();
        Batch batch = new Batch();
        if (transport == Transport.WEBSOCKET) {
            handle(client, transport, bytes, 0, bytes.length, batch);
        } else {
            int start = 0;
            while (start <= bytes.length) {
                int separator = indexOf(bytes, start, RECORD_SEPARATOR);
                int stop = separator < 0 ? bytes.length : separator;
                if (!isLive(client)) {
                    break;
                }
                handle(client, transport, bytes, start, stop, batch);
                if (separator < 0) {
                    break;
                }
                start = separator + 1;
            }
        }
        if (!isLive(client)) {
            // The batch ended the session; netty-socketio cannot resume it, so neither may the client.
            sessions.remove(client.getSessionId());
            Channel channel = ctx.channel();
            if (transport == Transport.WEBSOCKET) {
                channel.close();
            }
        }
    }

    private boolean isLive(ClientHead client) {
        NettyParts parts = netty;
        return parts != null && client.isConnected() && parts.clients().get(client.getSessionId()) == client;
    }

    /** What one batch has used up. */
    private static final class Batch {
        boolean pinged;
        boolean ponged;
    }

    private void handle(ClientHead client, Transport transport, byte[] bytes, int from, int to, Batch batch) {
        InboundCodec.Result result = codec.decode(bytes, from, to);
        if (result instanceof InboundCodec.Refused refused) {
            refused(client, refused, to - from, bytes, from, to);
            return;
        }
        InboundCodec.Packet packet = (InboundCodec.Packet) result;
        switch (packet.engine()) {
            case PING -> {
                if (batch.pinged) {
                    return;
                }
                batch.pinged = true;
                if (limiter.admitNow(client.getSessionId()).verdict() == RateLimiter.Verdict.DISCONNECT) {
                    disconnectFlooder(client);
                    return;
                }
                Packet ping = new Packet(PacketType.PING, EngineIOVersion.V4);
                ping.setData(packet.probe() ? "probe" : "");
                deliver(client, ping, "", transport);
                if (packet.probe() && transport == Transport.WEBSOCKET) {
                    upgradeFix.arm(client);
                }
            }
            case PONG -> {
                if (!batch.ponged) {
                    batch.ponged = true;
                    deliver(client, new Packet(PacketType.PONG, EngineIOVersion.V4), "", transport);
                }
            }
            case UPGRADE -> {
                metrics.upgraded();
                deliver(client, new Packet(PacketType.UPGRADE, EngineIOVersion.V4), "", transport);
            }
            case CLOSE -> {
                departures.closed(client.getSessionId());
                deliver(client, new Packet(PacketType.CLOSE, EngineIOVersion.V4), "", transport);
            }
            case NOOP -> {
                // nothing to do
            }
            case MESSAGE -> message(client, transport, packet, to - from);
        }
    }

    private void message(ClientHead client, Transport transport, InboundCodec.Packet packet, int length) {
        switch (packet.kind()) {
            case CONNECT -> connect(client, transport, packet);
            case DISCONNECT -> {
                Packet disconnect = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
                disconnect.setSubType(PacketType.DISCONNECT);
                disconnect.setNsp(packet.nettyNamespace());
                departures.leftNamespace(client.getSessionId(), packet.namespace());
                deliver(client, disconnect, packet.nettyNamespace(), transport);
            }
            case ACK -> log.debug("dropping an ack: this server asks clients for none");
            case EVENT -> event(client, transport, packet, length);
        }
    }

    private void connect(ClientHead client, Transport transport, InboundCodec.Packet packet) {
        RateLimiter.Verdict verdict = limiter.admitNow(client.getSessionId()).verdict();
        if (verdict == RateLimiter.Verdict.DISCONNECT) {
            disconnectFlooder(client);
            return;
        }
        if (verdict != RateLimiter.Verdict.PASS) {
            log.debug("dropping a namespace CONNECT over the rate limit");
            return;
        }
        NettyParts parts = netty;
        String nsp = packet.nettyNamespace();
        Namespace namespace = parts.namespaces().get(nsp);
        if (namespace == null) {
            Packet error = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
            error.setSubType(PacketType.ERROR);
            error.setNsp(nsp);
            error.setData(Map.of("message", "Invalid namespace"));
            client.send(error);
            return;
        }
        Object auth = packet.json() == null ? new LinkedHashMap<>() : packet.json();
        EventRouter router = routers.apply(packet.namespace());
        if (router != null && router.recovers() && auth instanceof Map<?, ?> map && map.get("pid") instanceof String) {
            // Claiming the session back takes a shared-state round trip: the reply waits for it,
            // on this connection's event loop (the client sends nothing else until it is connected).
            client.addNamespaceClient(namespace);
            Channel channel = TransportChannels.channelOf(client.getSessionId());
            router.prepareRecovery(auth, client.getChildClient(namespace)).whenComplete((ok, error) -> {
                Runnable rest = () -> {
                    if (isLive(client)) {
                        finishConnect(client, transport, namespace, nsp, auth);
                    } else {
                        router.abandonRecovery(client.getSessionId());
                    }
                };
                if (channel != null) {
                    channel.eventLoop().execute(rest);
                } else {
                    rest.run();
                }
            });
            return;
        }
        finishConnect(client, transport, namespace, nsp, auth);
    }

    private void finishConnect(ClientHead client, Transport transport, Namespace namespace, String nsp, Object auth) {
        NettyParts parts = netty;
        if (client.getChildClient(namespace) == null) {
            client.addNamespaceClient(namespace);
        }
        NamespaceClient namespaceClient = client.getChildClient(namespace);
        client.getHandshakeData().setAuthToken(auth);
        AuthTokenResult allowed = namespace.onAuthData(namespaceClient, auth);
        if (!allowed.isSuccess()) {
            Packet error = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
            error.setSubType(PacketType.ERROR);
            error.setNsp(nsp);
            if (allowed.getErrorData() != null) {
                error.setData(allowed.getErrorData());
            }
            client.send(error);
            return;
        }
        Packet reply = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        reply.setSubType(PacketType.CONNECT);
        reply.setNsp(nsp);
        reply.setData(new ConnPacket(client.getSessionId()));
        client.send(reply);
        Packet connect = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        connect.setSubType(PacketType.CONNECT);
        connect.setNsp(nsp);
        connect.setData(auth);
        parts.listener().onPacket(connect, namespaceClient, transport);
    }

    private void event(ClientHead client, Transport transport, InboundCodec.Packet packet, int length) {
        EventRouter router = routers.apply(packet.namespace());
        String name = packet.eventName();
        if (router == null || !router.knows(name)) {
            refuse(client, packet.namespace(), length, ErrorCode.INVALID_PAYLOAD, "unknown event", name, name);
            return;
        }
        tap(client, packet.namespace(), name, length, packet.roomId(), null);
        metrics.eventSize(name, length);
        Packet event = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        event.setSubType(PacketType.EVENT);
        event.setNsp(packet.nettyNamespace());
        event.setName(name);
        event.setData(packet.eventArgs());
        if (packet.ackId() >= 0) {
            event.setAckId(packet.ackId());
        }
        deliver(client, event, packet.nettyNamespace(), transport);
    }

    /**
     * Hands a decoded packet to netty-socketio, as the socket of its namespace. An event without an
     * ack goes straight to the namespace: netty-socketio's packet listener would also cancel and
     * re-arm the session's ping timeout for it, a timer-wheel entry and two map writes per event
     * (7% of a relay's CPU); the timeout is re-armed by every PONG instead, as socket.io's own
     * server does (its liveness check is the answer to its pings, not traffic).
     */
    private void deliver(ClientHead client, Packet packet, String nsp, Transport transport) {
        NettyParts parts = netty;
        Namespace namespace = parts.namespaces().get(nsp);
        NamespaceClient namespaceClient = namespace == null ? null : client.getChildClient(namespace);
        if (namespaceClient == null) {
            log.debug("dropping a {} for a namespace this session is not connected to", packet.getType());
            return;
        }
        if (packet.getSubType() == PacketType.EVENT && !packet.isAckRequested()) {
            namespace.onEvent(namespaceClient, packet.getName(), packet.getData(), new AckRequest(packet, namespaceClient));
            return;
        }
        parts.listener().onPacket(packet, namespaceClient, transport);
    }

    private void refused(ClientHead client, InboundCodec.Refused refused, int length, byte[] bytes, int from, int to) {
        if (refused.kind() != InboundCodec.Kind.EVENT) {
            log.debug("dropping a packet of {} bytes: {}", length, refused.reason());
            if (refused.kind() == InboundCodec.Kind.ACK || refused.kind() == InboundCodec.Kind.CONNECT) {
                countRefusal(client);
            }
            return;
        }
        String namespace = refused.namespace() == null ? "/" : refused.namespace();
        switch (refused.reason()) {
            case TOO_LARGE -> {
                EventRouter router = routers.apply(namespace);
                String name = nameOf(bytes, from, to);
                refuse(client, namespace, length, ErrorCode.PAYLOAD_TOO_LARGE,
                        "events are limited to " + maxEventBytes + " bytes",
                        name, router != null && name != null && router.knows(name) ? name : null);
            }
            case BINARY -> refuse(client, namespace, length, ErrorCode.INVALID_PAYLOAD,
                    "binary payloads are not supported", null, null);
            case NOT_AN_EVENT -> refuse(client, namespace, length, ErrorCode.INVALID_PAYLOAD,
                    "an event starts with its name", null, null);
            case MALFORMED_ACK_ID -> refuse(client, namespace, length, ErrorCode.INVALID_PAYLOAD,
                    "an ack id is an integer from 0 to " + InboundCodec.MAX_ACK_ID,
                    null, null);
            case MALFORMED_NAMESPACE -> refuse(client, "/", length, ErrorCode.INVALID_PAYLOAD,
                    "malformed namespace", null, null);
            default -> refuse(client, namespace, length, ErrorCode.INVALID_PAYLOAD, "malformed event packet", null, null);
        }
    }

    /**
     * The name of an oversized event, read from its first bytes only (for the error and the taps);
     * null when unclear.
     */
    private static String nameOf(byte[] bytes, int from, int to) {
        int bracket = indexOf(bytes, from, (byte) '[');
        if (bracket < 0 || bracket >= to || bracket - from > InboundCodec.MAX_NAMESPACE_CHARS * 4 + 24
                || bracket + 1 >= to || bytes[bracket + 1] != '"') {
            return null;
        }
        int end = bracket + 2;
        while (end < to && end - bracket < 66 && bytes[end] != '"' && bytes[end] != '\\') {
            end++;
        }
        if (end >= to || bytes[end] != '"') {
            return null;
        }
        return new String(bytes, bracket + 2, end - bracket - 2, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void countRefusal(ClientHead client) {
        if (limiter.admitNow(client.getSessionId()).verdict() == RateLimiter.Verdict.DISCONNECT) {
            disconnectFlooder(client);
        }
    }

    private void disconnectFlooder(ClientHead client) {
        log.warn("disconnecting a session still over its event rate limit after the grace period");
        departures.closed(client.getSessionId()); // not a drop to recover from
        metrics.rateLimitDisconnect(client.getSessionId());
        limiter.forget(client.getSessionId());
        TransportChannels.forceClose(client);
    }

    /** Drops an event packet and tells the sender; {@code tapped} is the name shown to taps, {@code event} the one in the error. */
    private void refuse(ClientHead client, String namespace, int length, ErrorCode code, String reason,
                        String tapped, String event) {
        if (limiter.admitNow(client.getSessionId()).verdict() == RateLimiter.Verdict.DISCONNECT) {
            disconnectFlooder(client);
            return;
        }
        metrics.error(code);
        log.debug("refusing a packet of {} bytes: {}", length, reason);
        tap(client, namespace, tapped, length, null, code);
        if (routers.apply(namespace) == null) {
            // Not a namespace of ours: nothing to answer on (and its name is not echoed back).
            return;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.wire());
        error.put("message", reason);
        if (event != null) {
            error.put("event", event);
        }
        Packet reply = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        reply.setSubType(PacketType.EVENT);
        reply.setNsp("/".equals(namespace) ? "" : namespace);
        reply.setName(Events.ERROR);
        reply.setData(List.of(error));
        client.send(reply);
    }

    private void tap(ClientHead client, String namespace, String name, int length, String roomId, ErrorCode refusal) {
        if (!taps.any()) {
            return;
        }
        EventRouter router = routers.apply(namespace);
        LocalSocket socket = router == null ? null : router.socketOf(client.getSessionId());
        taps.publish(new TappedEvent(namespace, name, length, socket == null ? null : socket.id(), roomId,
                refusal == null ? null : refusal.wire()));
    }

    private static int indexOf(byte[] bytes, int from, byte wanted) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
