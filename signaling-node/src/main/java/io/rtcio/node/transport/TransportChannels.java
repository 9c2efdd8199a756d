package io.rtcio.node.transport;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection each Engine.IO session last spoke on, so the server can cut a session off by
 * itself. netty-socketio's {@link ClientHead#disconnect()} only sends a DISCONNECT packet and asks
 * for a close once it is written; on Netty 4.2 that close never comes, and a client that ignores
 * the packet would stay connected.
 */
public final class TransportChannels {

    private static final Map<UUID, Channel> CHANNELS = new ConcurrentHashMap<>();

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

    /** Ends the session from the server side: DISCONNECT to the client, then its connection closed. */
    public static void forceClose(ClientHead head) {
        Channel channel = CHANNELS.remove(head.getSessionId());
        try {
            head.disconnect();
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
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
}
