package io.rtcio.node.transport;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The connection each Engine.IO session last spoke on, so the server can cut a session off by
 * itself. netty-socketio's {@link ClientHead#disconnect()} only sends a DISCONNECT packet and asks
 * for a close once it is written; on Netty 4.2 that close never comes, and a client that ignores
 * the packet would stay connected.
 */
public final class TransportChannels {

    private static final Map<UUID, Channel> CHANNELS = new ConcurrentHashMap<>();

    /**
     * How long a long-polling client between two GETs has to fetch the Engine.IO CLOSE packet
     * before its session ends anyway (a client polls again as soon as a GET returns).
     */
    private static final long POLL_RETURN_MS = 1_000;

    /** How long a WebSocket client has to close its connection after {@link #RECONNECT_FRAME}. */
    private static final long CLOSE_ANSWER_MS = 1_000;

    /**
     * What the server writes on a WebSocket to make its client close that transport itself and
     * reconnect: one text frame that is no Engine.IO packet. Engine.IO's own CLOSE packet does not
     * do it: engine.io-client (socket.io-client 4.x) acts on it over long-polling only and ignores
     * it on a WebSocket. A frame whose first character is not a packet type (0-6; {@code b} starts
     * a base64 message) is decoded by engine.io-parser as its parser-error packet, and
     * engine.io-client handles that as a transport error there and then: it closes the WebSocket
     * (the client's close frame follows everything it wrote before), socket.io-client is
     * disconnected at once ({@code transport error}) and keeps later emits in its send buffer, and
     * its Manager reconnects and recovers the session. engine.io-client-java does the same (its
     * parser's error packet, then {@code transport error}). {@code x} is a packet type in no
     * Engine.IO version.
     */
    static final String RECONNECT_FRAME = "x";

    /** Sessions whose client the server asked to close its WebSocket: their close frame is an answer, not a leave. */
    private static final Set<UUID> SERVER_CLOSED = ConcurrentHashMap.newKeySet();

    /** WebSockets whose client was asked to close them ({@link #closeTransport}) and that are still open. */
    private static final Set<Channel> ANSWER_PENDING = ConcurrentHashMap.newKeySet();

    /**
     * Waits until every WebSocket whose client was asked to close it is closed (by the client, or
     * cut off after {@link #CLOSE_ANSWER_MS}): a stopping server that closed them itself first
     * would lose what the clients wrote just before they read the request.
     */
    public static void awaitAnswers() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_ANSWER_MS + 250);
        for (Channel channel : List.copyOf(ANSWER_PENDING)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether the server itself is closing the WebSocket of {@code session} ({@link #closeTransport}). */
    static boolean closedByServer(UUID session) {
        return SERVER_CLOSED.contains(session);
    }

    private TransportChannels() {
    }

    /** Records that {@code session} just sent packets on {@code channel}. */
    static void seen(UUID session, Channel channel) {
        CHANNELS.put(session, channel);
    }

    /** The connection {@code session} last spoke on, or null when none is known. */
    public static Channel channelOf(UUID session) {
        return CHANNELS.get(session);
    }

    /** How many sessions a connection is known for. */
    static int count() {
        return CHANNELS.size();
    }

    /** Forgets a session that ended. */
    static void forget(UUID session) {
        CHANNELS.remove(session);
    }

    /**
     * A session ended: forgets it and, when it was on a WebSocket that is still open, closes that
     * (after what is already queued; {@link WebSocketCloseFrames} adds the close frame). netty-socketio ends a
     * session that missed its pongs with a DISCONNECT packet alone and would leave the connection
     * open; nothing else can use it once its session is over. A long-polling connection is left to
     * its HTTP exchange, which may still carry the session's last packets.
     */
    static void ended(UUID session) {
        Channel channel = CHANNELS.remove(session);
        if (channel != null && channel.isActive() && channel.pipeline().get(WebSocketFrameEncoder.class) != null) {
            channel.close();
        }
    }

    /**
     * Ends the session from the server side: DISCONNECT to the client, then its connection closed
     * (a WebSocket with a close frame first: {@link WebSocketCloseFrames}). The
     * connection is the one the session last spoke on or, for a session that never sent anything
     * (a WebSocket that never connected to a namespace), the one the DISCONNECT went out on.
     */
    public static void forceClose(ClientHead head) {
        Channel spoke = CHANNELS.remove(head.getSessionId());
        Packet disconnect = new Packet(PacketType.MESSAGE, head.getEngineIOVersion());
        disconnect.setSubType(PacketType.DISCONNECT);
        ChannelFuture sent;
        try {
            sent = head.send(disconnect);
        } finally {
            head.onChannelDisconnect();
        }
        Channel channel = spoke != null ? spoke : sent == null ? null : sent.channel();
        if (channel == null) {
            return;
        }
        channel.close();
    }

    /**
     * Ends the session from the server side now, without a DISCONNECT packet: the connection is
     * closed (and a polling session ended). For a transport whose client already went on with a
     * new one; a live client is asked to close its own instead ({@link #closeTransport}).
     */
    public static void dropTransport(ClientHead head) {
        Channel channel = CHANNELS.remove(head.getSessionId());
        if (channel != null) {
            channel.close();
        }
        if (head.getCurrentTransport() == Transport.POLLING || channel == null) {
            head.onChannelDisconnect();
        }
    }

    /**
     * Ends the session at the Engine.IO level only, so that the client reconnects by itself and
     * recovers its session (no socket.io DISCONNECT: after one, socket.io-client would not
     * reconnect). The client is asked to close its transport itself, so that nothing it writes is
     * lost: on a WebSocket with {@link #RECONNECT_FRAME}, after which the server goes on reading
     * (and handling) what the client wrote until its close frame, which is an answer, not the
     * client leaving on purpose; a client that does not close within {@link #CLOSE_ANSWER_MS} is
     * cut off then. Over long-polling with an Engine.IO CLOSE packet, which socket.io-client acts
     * on there. The session's namespaces see a disconnect, as with any transport close.
     */
    public static void closeTransport(ClientHead head) {
        UUID session = head.getSessionId();
        Channel channel = CHANNELS.get(session);
        if (head.getCurrentTransport() == Transport.WEBSOCKET && channel != null) {
            SERVER_CLOSED.add(session);
            ANSWER_PENDING.add(channel);
            channel.closeFuture().addListener(closed -> {
                ANSWER_PENDING.remove(channel);
                CHANNELS.remove(session, channel);
                channel.eventLoop().schedule(() -> SERVER_CLOSED.remove(session), CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
            });
            // From the channel's event loop: behind every packet sent to the client before its
            // output was diverted (those writes are queued there already).
            channel.eventLoop().execute(() -> channel.writeAndFlush(new TextWebSocketFrame(RECONNECT_FRAME)));
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
            return;
        }
        ChannelFuture written = head.send(new Packet(PacketType.CLOSE, head.getEngineIOVersion()), Transport.POLLING);
        Runnable end = () -> {
            if (head.isConnected()) {
                head.onChannelDisconnect();
            }
        };
        if (written != null) {
            written.addListener(done -> end.run());
        } else if (channel != null) {
            channel.eventLoop().schedule(end, POLL_RETURN_MS, TimeUnit.MILLISECONDS);
        } else {
            end.run();
        }
    }
}
