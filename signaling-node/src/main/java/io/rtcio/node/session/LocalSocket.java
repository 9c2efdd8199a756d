package io.rtcio.node.session;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.rtcio.cluster.MediaState;
import io.rtcio.node.transport.TransportChannels;
import io.rtcio.node.auth.Identity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket connected to this node, under its public id.
 *
 * <p>Events of one socket are handled strictly one after another, in arrival order, even when a
 * handler completes asynchronously ({@link #submit}). That keeps a join ahead of the media-state
 * that follows it, and one sender's relays in order.
 */
public final class LocalSocket {

    private static final Logger log = LoggerFactory.getLogger(LocalSocket.class);

    private final String id;
    private final SocketIOClient client;
    private final Identity identity;
    private final String namespace;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Map<String, Membership> memberships = new ConcurrentHashMap<>();
    private final Map<String, Integer> incomingIntroductions = new ConcurrentHashMap<>();
    private final Consumer<LocalSocket> onSlowReader;
    private final AtomicBoolean kicked = new AtomicBoolean();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private final String secret;
    private volatile long generation;
    private final Object outletLock = new Object();
    private final Object tailLock = new Object();
    private volatile Outlet outlet = Outlet.CLIENT;
    private List<Object[]> buffered;
    private BiConsumer<String, Object> keeper;
    private volatile boolean cleanLeave;
    private volatile boolean movedAway;
    private volatile long lastOffset;

    /** Where what is sent to this socket goes. */
    private enum Outlet {
        /** Its client's transport. */
        CLIENT,
        /** Memory, until the recovery that admitted it has replayed what the client missed. */
        BUFFER,
        /** The session's log: the transport dropped, the socket is held for a recovery. */
        KEEPER,
        /** Nowhere: the socket departed or moved to another node. */
        NOWHERE
    }

    LocalSocket(String id, SocketIOClient client, Identity identity) {
        this(id, client, identity, null, null);
    }

    LocalSocket(String id, SocketIOClient client, Identity identity, String secret, Consumer<LocalSocket> onSlowReader) {
        this.id = id;
        this.secret = secret;
        this.client = client;
        this.onSlowReader = onSlowReader;
        this.identity = identity == null ? Identity.ANONYMOUS : identity;
        String name = client.getNamespace().getName();
        this.namespace = name.isEmpty() ? "/" : name; // netty-socketio names the default namespace ""
    }

    /** The public id: what the client sees as {@code socket.id} and peers address. */
    public String id() {
        return id;
    }

    /**
     * The private session id socket.io-client keeps and sends back to recover the session
     * ({@code <public id>.<secret>}), or null when recovery is off. A credential of this client only.
     */
    public String privateId() {
        return secret == null ? null : id + "." + secret;
    }

    /** The secret part of {@link #privateId()}, or null. */
    public String secret() {
        return secret;
    }

    /** Which holder of its session this socket is: 0 when it opened it, one more per recovery. */
    public long generation() {
        return generation;
    }

    void generation(long value) {
        generation = value;
    }

    /** The highest session-log offset this socket's client was given (0: none), where its next recovery starts. */
    public long lastOffset() {
        return lastOffset;
    }

    /** The client came with {@code offset} (a recovery): no lower offset is its last one. */
    public void offsetAtLeast(long offset) {
        synchronized (outletLock) {
            lastOffset = Math.max(lastOffset, offset);
        }
    }

    /** Marks the coming disconnect as a clean leave (announced at once, not recoverable). */
    public void leavingCleanly() {
        cleanLeave = true;
    }

    /** Whether the socket left cleanly (see {@link #leavingCleanly}). */
    public boolean leftCleanly() {
        return cleanLeave;
    }

    /** Its session was recovered on another node while this transport still looked alive. */
    public void movedAway() {
        movedAway = true;
        stopOutput();
    }

    public boolean hasMovedAway() {
        return movedAway;
    }

    /** From now on, what is sent to this socket is kept in memory until {@link #replayAndGoLive}. */
    public void bufferOutput() {
        synchronized (outletLock) {
            buffered = new ArrayList<>();
            outlet = Outlet.BUFFER;
        }
    }

    /** From now on, what is sent to this socket goes to {@code keeper} (its transport is gone). */
    public void keepOutput(BiConsumer<String, Object> keeper) {
        synchronized (outletLock) {
            this.keeper = keeper;
            outlet = Outlet.KEEPER;
        }
    }

    /**
     * {@link #keepOutput} if what is sent to this socket still goes to its client; false (and
     * nothing changes) when it is buffered, kept or dropped already.
     */
    public boolean keepOutputIfLive(BiConsumer<String, Object> keeper) {
        synchronized (outletLock) {
            if (outlet != Outlet.CLIENT) {
                return false;
            }
            this.keeper = keeper;
            outlet = Outlet.KEEPER;
            return true;
        }
    }

    /** From now on, what is sent to this socket is dropped. */
    public void stopOutput() {
        synchronized (outletLock) {
            outlet = Outlet.NOWHERE;
            buffered = null;
            keeper = null;
        }
    }

    /** Whether what is sent to this socket goes to the session's log (it is held for a recovery). */
    public boolean isHeld() {
        return outlet == Outlet.KEEPER;
    }

    /**
     * Writes {@code missed} to the client, each with its offset as last argument (socket.io-client
     * keeps it for its next recovery), then what was buffered meanwhile, then goes live.
     */
    public void replayAndGoLive(List<Object[]> missed) {
        synchronized (outletLock) {
            for (Object[] event : missed) {
                client.sendEvent((String) event[0], event[1], event[2]);
                if (event[2] instanceof String offset) {
                    lastOffset = Math.max(lastOffset, Long.parseLong(offset));
                }
            }
            List<Object[]> waiting = buffered == null ? List.of() : buffered;
            buffered = null;
            outlet = Outlet.CLIENT;
            for (Object[] event : waiting) {
                client.sendEvent((String) event[0], event[1]);
            }
        }
    }

    /** Whether the session's transport is WebSocket right now (else long-polling). */
    public boolean onWebSocket() {
        return client.getTransport() == com.corundumstudio.socketio.Transport.WEBSOCKET;
    }

    /** The Engine.IO session id; a credential of this client only, never shown to others. */
    public UUID engineSession() {
        return client.getSessionId();
    }

    /** The authenticated user id, or null for an anonymous socket. */
    public String userId() {
        return identity.userId();
    }

    /** Who connected: user id, name and credential claims, as the authenticator established them. */
    public Identity identity() {
        return identity;
    }

    /** The socket.io namespace this socket is connected to, {@code /} for the default one. */
    public String namespace() {
        return namespace;
    }

    /** Rooms this socket has joined (this node is the source of truth for its own sockets). */
    public Set<String> rooms() {
        return rooms;
    }

    public boolean isMember(String roomId) {
        return rooms.contains(roomId);
    }

    /**
     * What this node must remember of a membership to put it back into the shared state after
     * that state was lost: the name given at join, the room password when the room has one, the
     * last media state.
     */
    public Membership membership(String roomId) {
        return memberships.computeIfAbsent(roomId, room -> new Membership(0));
    }

    /** Starts membership {@code epoch} of this socket in {@code roomId}, with an empty roster. */
    public Membership beginMembership(String roomId, long epoch) {
        Membership membership = new Membership(epoch);
        memberships.put(roomId, membership);
        return membership;
    }

    /** The membership in {@code roomId} if this socket is in that room (or joining it), else null. */
    public Membership membershipIfPresent(String roomId) {
        return memberships.get(roomId);
    }

    /**
     * The peer {@code socketId} as this socket's client was told of it in any of its rooms, or
     * null: what the node knows of who shares a room with this socket, without asking the cluster.
     */
    public Roster.Peer knownPeer(String socketId) {
        for (Membership membership : memberships.values()) {
            Roster.Peer peer = membership.roster.find(socketId);
            if (peer != null) {
                return peer;
            }
        }
        return null;
    }

    /**
     * Whether this socket shares a room with {@code socketId} as far as this node knows: its client
     * was told of it, or an introduction of it is on its way to the client.
     */
    public boolean knows(String socketId) {
        return incomingIntroductions.containsKey(socketId) || knownPeer(socketId) != null;
    }

    /** An introduction of {@code socketId} was received and waits for this socket's earlier tasks. */
    public void introductionIncoming(String socketId) {
        incomingIntroductions.merge(socketId, 1, Integer::sum);
    }

    /** That introduction was applied (or dropped). */
    public void introductionApplied(String socketId) {
        incomingIntroductions.computeIfPresent(socketId, (id, count) -> count > 1 ? count - 1 : null);
    }

    void forgetMembership(String roomId) {
        memberships.remove(roomId);
    }

    /** See {@link #membership}. Fields are written by the socket's own tasks, read by maintenance. */
    public static final class Membership {
        private final long epoch;
        private final Roster roster = new Roster();
        private volatile String name = "";
        private volatile String password;
        private volatile MediaState mediaState;

        Membership(long epoch) {
            this.epoch = epoch;
        }

        /** Which membership of this socket in the room this is (see {@code Member#epoch}). */
        public long epoch() {
            return epoch;
        }

        /** The peers this socket has been told about in the room. */
        public Roster roster() {
            return roster;
        }

        public String name() {
            return name;
        }

        public String password() {
            return password;
        }

        public MediaState mediaState() {
            return mediaState;
        }

        public void name(String value) {
            name = value;
        }

        public void password(String value) {
            password = value;
        }

        public void mediaState(MediaState value) {
            mediaState = value;
        }
    }

    /**
     * Packets a polling client may leave waiting for its next GET, and bytes a WebSocket client may
     * leave unread, before it is cut off: a client that stops reading cannot make the node hold an
     * unbounded backlog for it (ping timeout alone would let it grow for 45 s).
     */
    public static final int MAX_QUEUED_PACKETS = 2048;
    public static final long MAX_UNREAD_BYTES = 16L * 1024 * 1024;

    /** Sends one event with one argument to this socket. Safe from any thread. */
    public void send(String event, Object payload) {
        // Under the outlet's lock: once the output is diverted (a drain about to close the
        // transport), no send still in flight can write to the client behind the close.
        synchronized (outletLock) {
            if (outlet != Outlet.CLIENT) {
                divert(event, payload);
                return;
            }
            if (!overflowing()) {
                client.sendEvent(event, payload);
                return;
            }
        }
        if (!kicked.get()) {
            // A client's own doing, handled as designed: counted (close reason slow_reader), not warned about.
            log.info("disconnecting socket {}: it is not reading what it is sent", id);
            if (onSlowReader != null) {
                onSlowReader.accept(this);
            }
            kick();
        }
    }

    /** True when {@code event} went elsewhere than the client's transport. */
    private boolean divert(String event, Object payload) {
        synchronized (outletLock) {
            switch (outlet) {
                case BUFFER -> buffered.add(new Object[] {event, payload});
                case KEEPER -> keeper.accept(event, payload);
                case NOWHERE -> {
                    // departed or moved: nothing to deliver to
                }
                case CLIENT -> {
                    return false;
                }
            }
            return true;
        }
    }

    private boolean overflowing() {
        if (!(client instanceof NamespaceClient namespaceClient)) {
            return false;
        }
        ClientHead head = namespaceClient.getBaseClient();
        if (head.getCurrentTransport() == Transport.POLLING) {
            Queue<Packet> queue = head.getPacketsQueue(Transport.POLLING);
            if (queue.peek() == null) {
                return false;
            }
            int counted = 0;
            for (Iterator<Packet> it = queue.iterator(); it.hasNext() && counted <= MAX_QUEUED_PACKETS; it.next()) {
                counted++;
            }
            return counted > MAX_QUEUED_PACKETS;
        }
        Channel channel = TransportChannels.channelOf(head.getSessionId());
        ChannelOutboundBuffer unread = channel == null ? null : channel.unsafe().outboundBuffer();
        return unread != null && unread.totalPendingWriteBytes() > MAX_UNREAD_BYTES;
    }

    /**
     * Cuts the transport now, from the server side, without a socket.io DISCONNECT: for a transport
     * left behind by a session that was recovered on another connection (its client is elsewhere
     * already and will not read anything more from it). Not what a drain does to a live client:
     * that is {@link #closeTransport}, which lets the client close it itself so that nothing it
     * wrote is lost.
     */
    public void dropTransport() {
        if (client instanceof NamespaceClient namespaceClient) {
            TransportChannels.dropTransport(namespaceClient.getBaseClient());
        }
    }

    /**
     * Closes the transport from the server side; does not rely on the client's cooperation. The
     * socket's departure is announced at once (not recoverable).
     */
    public void kick() {
        cleanLeave = true;
        kicked.set(true);
        if (client instanceof NamespaceClient namespaceClient) {
            TransportChannels.forceClose(namespaceClient.getBaseClient());
        } else {
            client.disconnect();
        }
    }

    /** Whether the server closed this socket on purpose ({@link #kick()}), so its end is expected. */
    public boolean kicked() {
        return kicked.get();
    }

    /**
     * Asks the client to close this socket's transport itself, without a socket.io DISCONNECT, and
     * cuts it a second later if it does not ({@link TransportChannels#closeTransport}): the client
     * reconnects by itself (to another node when this one is draining), and what it wrote before
     * it closed is still read and handled. An abrupt drop: with recovery on, the socket is held
     * for its departure grace and its session resumes wherever the client reconnects; otherwise
     * its rooms are told it left.
     */
    public void closeTransport() {
        if (client instanceof NamespaceClient namespaceClient) {
            TransportChannels.closeTransport(namespaceClient.getBaseClient());
        } else {
            client.disconnect();
        }
    }

    /**
     * Runs {@code task} after every task submitted before it has completed. A failing task is
     * logged and does not stop later ones.
     */
    public CompletionStage<Void> submit(Supplier<? extends CompletionStage<?>> task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        // Only the hand-over of the tail is guarded: the task itself runs outside any lock (it may
        // send, kick, or end in netty callbacks that submit to other sockets).
        synchronized (tailLock) {
            previous = tail;
            tail = done;
        }
        previous.thenCompose(ignored -> {
            try {
                return task.get().thenApply(result -> (Void) null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("task of socket {} failed", id, error);
            }
            done.complete(null);
        });
        return done;
    }

    @Override
    public String toString() {
        return "LocalSocket[" + id + "]";
    }
}
