package io.rtcio.node.transport;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
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

    /** How long a WebSocket client has to close its connection after the server's CLOSE packet. */
    private static final long CLOSE_ANSWER_MS = 1_000;

    /** Sessions whose WebSocket the server asked to close: their close frame is an answer, not a leave. */
    private static final Set<UUID> SERVER_CLOSED = ConcurrentHashMap.newKeySet();

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
     * Ends the session from the server side without a DISCONNECT packet: the connection is closed
     * (and a polling session ended), so socket.io-client sees a transport close and reconnects.
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
     * Ends the session at the Engine.IO level only, as a load balancer would: the client is sent
     * an Engine.IO CLOSE packet on its current transport. No socket.io DISCONNECT is sent:
     * socket.io-client reports {@code transport close} and reconnects by itself (after a
     * DISCONNECT it would not). socket.io-client acts on that packet over long-polling only; a
     * WebSocket is therefore closed here a second later (a client that closes it first saves the
     * wait), and its close frame meanwhile is not the client leaving on purpose. A frame the
     * client sends just as the connection is cut is lost. The
     * session's namespaces see a disconnect, as with any transport close.
     */
    public static void closeTransport(ClientHead head) {
        UUID session = head.getSessionId();
        Channel channel = CHANNELS.get(session);
        if (head.getCurrentTransport() == Transport.WEBSOCKET && channel != null) {
            SERVER_CLOSED.add(session);
            channel.closeFuture().addListener(closed -> {
                CHANNELS.remove(session, channel);
                channel.eventLoop().schedule(() -> SERVER_CLOSED.remove(session), CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
            });
            head.send(new Packet(PacketType.CLOSE, head.getEngineIOVersion()), Transport.WEBSOCKET);
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
