package io.rtcio.node.session;

import com.corundumstudio.socketio.SocketIOClient;
import io.rtcio.node.auth.Identity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sockets of this node by Engine.IO session and by public id, and the local room index
 * (room → local members). Thread-safe.
 */
public final class SocketRegistry {

    private final SessionIds sessionIds;
    private final Map<UUID, LocalSocket> byEngineSession = new ConcurrentHashMap<>();
    private final Map<String, LocalSocket> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<LocalSocket>> roomMembers = new ConcurrentHashMap<>();
    private final Set<String> departing = ConcurrentHashMap.newKeySet();
    private final Map<String, LocalSocket> supersededSockets = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong(System.currentTimeMillis() * 1000);

    /** A registry with its own public ids. */
    public SocketRegistry() {
        this(new SessionIds());
    }

    /** A registry whose sockets take their public ids from {@code sessionIds} (shared by namespaces). */
    public SocketRegistry(SessionIds sessionIds) {
        this.sessionIds = sessionIds;
    }

    /** The public ids of the sessions, shared by every registry of this node. */
    public SessionIds sessionIds() {
        return sessionIds;
    }

    /**
     * Admits a client as {@code identity} under its session's public id; a session admitted before
     * keeps its socket (which may belong to another namespace: callers compare {@link LocalSocket#namespace()}).
     *
     * @return the socket, and whether it was created by this call
     */
    public Admission admit(SocketIOClient client, Identity identity) {
        return admit(client, identity, null);
    }

    /** As {@link #admit(SocketIOClient, Identity)}, with the session secret for recovery (null = none). */
    public Admission admit(SocketIOClient client, Identity identity, String secret) {
        boolean[] created = {false};
        LocalSocket socket = byEngineSession.computeIfAbsent(client.getSessionId(), session -> {
            LocalSocket fresh = new LocalSocket(sessionIds.acquire(session), client, identity, secret);
            byId.put(fresh.id(), fresh);
            created[0] = true;
            return fresh;
        });
        return new Admission(socket, created[0]);
    }

    /**
     * Admits a client whose session was recovered: it takes back {@code id} and {@code secret}. A
     * socket this node still has under that id (held, or a transport that still looked alive) is
     * superseded: it stops receiving, and its later disconnect announces nothing.
     *
     * @return the socket, and whether it was created by this call (false when the session already
     *         has a socket, which is then returned unchanged)
     */
    public Admission admitRecovered(SocketIOClient client, Identity identity, String id, String secret,
                                    long generation) {
        boolean[] created = {false};
        LocalSocket socket = byEngineSession.computeIfAbsent(client.getSessionId(), session -> {
            LocalSocket fresh = new LocalSocket(sessionIds.acquire(session, id), client, identity, secret);
            fresh.generation(generation);
            fresh.bufferOutput();
            LocalSocket superseded = byId.put(fresh.id(), fresh);
            if (superseded != null) {
                superseded.movedAway();
                supersededSockets.put(fresh.id(), superseded);
            }
            created[0] = true;
            return fresh;
        });
        return new Admission(socket, created[0]);
    }

    /** The socket {@link #admitRecovered} superseded under {@code id}, once; null when none. */
    public LocalSocket takeSuperseded(String id) {
        return supersededSockets.remove(id);
    }

    /** Keeps a socket whose transport dropped reachable by its id, held for a recovery. */
    public void hold(LocalSocket socket) {
        byId.putIfAbsent(socket.id(), socket);
    }

    /** Forgets a held socket (it departed, or was recovered elsewhere). */
    public void unhold(LocalSocket socket) {
        byId.remove(socket.id(), socket);
    }

    /** The socket admitted for this Engine.IO session, or null. */
    public LocalSocket byEngineSession(UUID session) {
        return byEngineSession.get(session);
    }

    /** The socket of this Engine.IO session in {@code namespace}, or null. */
    public LocalSocket byEngineSession(UUID session, String namespace) {
        LocalSocket socket = byEngineSession.get(session);
        return socket != null && socket.namespace().equals(namespace) ? socket : null;
    }

    /** The local socket with this public id, or null when it is not on this node. */
    public LocalSocket byId(String id) {
        return byId.get(id);
    }

    /**
     * Forgets the socket of this session in {@code namespace}; returns it, or null when there was
     * none. The socket counts as departing (see {@link #isDeparting}) until {@link #departed}.
     */
    public LocalSocket remove(UUID session, String namespace) {
        LocalSocket socket = byEngineSession(session, namespace);
        if (socket != null && byEngineSession.remove(session, socket)) {
            if (!socket.hasMovedAway()) {
                departing.add(socket.id());
            }
            byId.remove(socket.id(), socket);
            sessionIds.release(session);
            return socket;
        }
        return null;
    }

    /** The socket's departure (leaving its rooms, unregistering) is done. */
    public void departed(LocalSocket socket) {
        departing.remove(socket.id());
    }

    /**
     * Whether {@code socketId} disconnected from this node and is still leaving its rooms: cluster
     * maintenance must not evict it meanwhile, its own departure announces it.
     */
    public boolean isDeparting(String socketId) {
        return departing.contains(socketId);
    }

    /**
     * A new membership epoch, unique on this node for its lifetime and, since it starts from the
     * clock, across restarts of a node that keeps its id.
     */
    public long nextEpoch() {
        return epochs.incrementAndGet();
    }

    /** Records a local membership; true when the socket is the room's first local member. */
    public boolean addToRoom(String roomId, LocalSocket socket) {
        socket.rooms().add(roomId);
        boolean[] first = {false};
        roomMembers.compute(roomId, (room, members) -> {
            Set<LocalSocket> set = members == null ? ConcurrentHashMap.newKeySet() : members;
            first[0] = set.isEmpty();
            set.add(socket);
            return set;
        });
        return first[0];
    }

    /** Removes a local membership; true when the room has no local member any more. */
    public boolean removeFromRoom(String roomId, LocalSocket socket) {
        socket.rooms().remove(roomId);
        socket.forgetMembership(roomId);
        boolean[] last = {false};
        roomMembers.computeIfPresent(roomId, (room, members) -> {
            members.remove(socket);
            last[0] = members.isEmpty();
            return members.isEmpty() ? null : members;
        });
        return last[0];
    }

    /** Local members of a room, a snapshot. */
    public Collection<LocalSocket> localMembers(String roomId) {
        Set<LocalSocket> members = roomMembers.get(roomId);
        return members == null ? List.of() : List.copyOf(members);
    }

    /** Number of admitted sockets on this node with a transport (held ones are not counted). */
    public int size() {
        return byEngineSession.size();
    }

    /** Number of rooms with local members. */
    public int roomCount() {
        return roomMembers.size();
    }

    /** All admitted sockets, a snapshot. */
    public Collection<LocalSocket> all() {
        return List.copyOf(byId.values());
    }

    /** Result of {@link #admit}. */
    public record Admission(LocalSocket socket, boolean created) {
    }
}
