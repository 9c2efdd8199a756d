package io.rtcio.node.room;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.RoomSubscriptions;
import io.rtcio.node.session.Roster;
import io.rtcio.node.session.SocketRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room half of the protocol: {@code join-room}, {@code check-room}, {@code leave-room}, and
 * what a disconnecting socket owes its rooms.
 */
public final class RoomService {

    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    private final RoomRegistry registry;
    private final ClusterBus bus;
    private final RoomSubscriptions subscriptions;
    private final SocketRegistry sockets;
    private final MembershipAnnouncer announcer;
    private final RoomAccessPolicy accessPolicy;
    private final int maxPeers;
    private final int maxRoomsPerSocket;
    private final Queue<OwedDeparture> owedDepartures = new ConcurrentLinkedQueue<>();
    /** Peers found on a node without a lease by the last sweep; only cluster maintenance uses it. */
    private Set<String> deadPeerSuspects = Set.of();

    public RoomService(RoomRegistry registry, ClusterBus bus, SocketRegistry sockets, MembershipAnnouncer announcer,
                       RoomAccessPolicy accessPolicy, int maxPeers, int maxRoomsPerSocket) {
        this.registry = registry;
        this.bus = bus;
        this.subscriptions = new RoomSubscriptions(bus);
        this.sockets = sockets;
        this.announcer = announcer;
        this.accessPolicy = accessPolicy;
        this.maxPeers = maxPeers;
        this.maxRoomsPerSocket = maxRoomsPerSocket;
    }

    /** {@code join-room {roomId, name, password?}}. */
    public EventHandler joinHandler() {
        return (socket, payload, ack) -> {
            Map<String, Object> body = Payloads.object(payload, Events.JOIN_ROOM);
            String roomId = Payloads.roomId(body);
            String name = Payloads.optionalString(body, "name", Limits.MAX_NAME_LENGTH, roomId);
            String password = Payloads.optionalString(body, "password", Limits.MAX_PASSWORD_LENGTH, roomId);
            if (socket.isMember(roomId)) {
                socket.send(Events.JOIN_OK, Map.of("roomId", roomId));
                return CompletableFuture.completedFuture(null);
            }
            if (!accessPolicy.mayJoin(socket, roomId)) {
                throw new SignalingException(ErrorCode.FORBIDDEN, "you may not join this room", roomId);
            }
            if (socket.rooms().size() >= maxRoomsPerSocket) {
                throw new SignalingException(ErrorCode.TOO_MANY_ROOMS,
                        "a socket may be in at most " + maxRoomsPerSocket + " rooms at once", roomId);
            }
            Member member = new Member(socket.id(), bus.localNode(), name == null ? "" : name, socket.userId(),
                    sockets.nextEpoch());
            // Subscribe before joining, so no broadcast to the room can miss this node.
            return subscriptions.acquire(roomId)
                    .thenCompose(ok -> registry.join(new JoinRequest(roomId, member, password, maxPeers)))
                    .thenCompose(result -> onJoinResult(socket, roomId, member, result))
                    .thenCompose(ok -> rememberPassword(socket, roomId, password));
        };
    }

    private CompletionStage<Void> onJoinResult(LocalSocket socket, String roomId, Member member, JoinResult result) {
        if (result instanceof JoinResult.Refused refused) {
            return subscriptions.release(roomId).thenApply(ok -> {
                throw refusal(refused.reason(), roomId);
            });
        }
        if (result instanceof JoinResult.Joined joined) {
            return admit(socket, roomId, member, joined.existing(), joined.mediaStates());
        }
        // The shared state has this socket already (an earlier attempt whose answer was lost):
        // adopt that membership and introduce it as if it had just joined; rosters drop repeats.
        return registry.members(roomId).thenCompose(members -> {
            Member stored = members.stream().filter(m -> m.socketId().equals(socket.id())).findFirst().orElse(member);
            List<Member> others = members.stream().filter(m -> !m.socketId().equals(socket.id())).toList();
            return admit(socket, roomId, stored, others, Map.of());
        });
    }

    /**
     * Makes {@code member} a local member with {@code existing} as its atomic snapshot: the
     * newcomer is told of each (backfill, media states, {@code join-ok}), then each is told of the
     * newcomer, on the node the snapshot names. A room broadcast instead could also reach a
     * concurrent joiner that already has the newcomer in its own snapshot.
     */
    private CompletionStage<Void> admit(LocalSocket socket, String roomId, Member member, List<Member> existing,
                                        Map<String, MediaState> mediaStates) {
        sockets.addToRoom(roomId, socket);
        LocalSocket.Membership membership = socket.beginMembership(roomId, member.epoch());
        membership.name(member.name());
        for (Member peer : existing) {
            if (membership.roster().introduce(new Roster.Peer(peer.socketId(), peer.nodeId(), peer.epoch(), peer.name()))) {
                socket.send(Events.USER_CONNECTED, MembershipAnnouncer.userConnected(peer.socketId(), peer.name()));
            }
        }
        mediaStates.forEach((socketId, state) -> socket.send(Events.MEDIA_STATE, mediaState(socketId, roomId, state)));
        socket.send(Events.JOIN_OK, Map.of("roomId", roomId));
        return announcer.announce(existing, Announcement.Kind.JOINED, roomId, member);
    }

    /**
     * Remembers the password of a password-protected room this socket joined with it, so the node
     * can put the room back as it was if the shared state is lost.
     */
    private CompletionStage<Void> rememberPassword(LocalSocket socket, String roomId, String password) {
        if (password == null || password.isEmpty() || !socket.isMember(roomId)) {
            return CompletableFuture.completedFuture(null);
        }
        return registry.describe(roomId).thenAccept(info -> {
            if (info.passwordRequired()) {
                socket.membership(roomId).password(password);
            }
        });
    }

    /** Re-declares this node's room subscriptions to the bus (see {@link RoomSubscriptions#resubscribeAll}). */
    public CompletionStage<Void> resubscribeAll() {
        return subscriptions.resubscribeAll();
    }

    /** {@code check-room {roomId, password?}}: reports whether a join could succeed. */
    public EventHandler checkHandler() {
        return (socket, payload, ack) -> {
            Map<String, Object> body = Payloads.object(payload, Events.CHECK_ROOM);
            String roomId = Payloads.roomId(body);
            Payloads.optionalString(body, "password", Limits.MAX_PASSWORD_LENGTH, roomId);
            if (!accessPolicy.mayJoin(socket, roomId)) {
                throw new SignalingException(ErrorCode.FORBIDDEN, "you may not join this room", roomId);
            }
            return registry.describe(roomId).thenAccept(info -> {
                if (!socket.isMember(roomId) && info.size() >= maxPeers) {
                    throw new SignalingException(ErrorCode.ROOM_FULL, "the room is full", roomId);
                }
                Map<String, Object> reply = new LinkedHashMap<>();
                reply.put("roomId", roomId);
                reply.put("passwordRequired", info.passwordRequired());
                socket.send(Events.ROOM_CHECK_OK, reply);
            });
        };
    }

    /** {@code leave-room {roomId}}. */
    public EventHandler leaveHandler() {
        return (socket, payload, ack) -> {
            String roomId = Payloads.roomId(Payloads.object(payload, Events.LEAVE_ROOM));
            if (!socket.isMember(roomId)) {
                throw new SignalingException(ErrorCode.NOT_IN_ROOM, "you are not in this room", roomId);
            }
            return leave(socket, roomId, false);
        };
    }

    /**
     * What a disconnecting socket owes its rooms: {@code #rtcio:peer-left} and
     * {@code user-disconnected} to each, once it has left them. Never fails: a departure the
     * shared state cannot take now is owed and settled later ({@link #settleOwedDepartures}).
     */
    public CompletionStage<Void> leaveAll(LocalSocket socket) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (String roomId : new ArrayList<>(socket.rooms())) {
            chain = chain.thenCompose(ok -> leave(socket, roomId, true));
        }
        return chain;
    }

    /**
     * Leaves first, announces after, and only to the members the atomic leave left behind: a
     * joiner whose snapshot was taken before the leave has the socket in it and is among those
     * told; one whose snapshot was taken after never sees it. Only the leave that removed the
     * membership announces it, so an eviction racing this departure cannot double it. When the
     * shared state is unreachable, the local peers are told at once and the rest is owed.
     */
    private CompletionStage<Void> leave(LocalSocket socket, String roomId, boolean disconnecting) {
        LocalSocket.Membership membership = socket.membershipIfPresent(roomId);
        Member self = new Member(socket.id(), bus.localNode(), membership == null ? "" : membership.name(),
                socket.userId(), membership == null ? 0 : membership.epoch());
        List<Roster.Peer> known = membership == null ? List.of() : membership.roster().peers();
        Announcement.Kind kind = disconnecting ? Announcement.Kind.DISCONNECTED : Announcement.Kind.LEFT;
        return registry.leave(roomId, socket.id())
                .handle((result, error) -> {
                    sockets.removeFromRoom(roomId, socket);
                    if (error != null) {
                        log.debug("leave of room {} owed until the cluster state is reachable: {}", roomId, error.toString());
                        owe(new OwedDeparture(roomId, self, kind, known));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return result.wasMember()
                            ? announcer.announce(result.remaining(), kind, roomId, result.removed())
                            : CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(announced -> announced)
                .thenCompose(ok -> subscriptions.release(roomId).exceptionally(error -> null));
    }

    /**
     * Removes a socket that no node serves any more (its node died, or it vanished while the shared
     * state was unreachable) from every room it is still listed in, telling the members each leave
     * left behind {@code #rtcio:peer-left} and {@code user-disconnected}, as a live disconnect
     * would. A leave that finds the socket gone already (its own departure won) announces nothing.
     */
    public CompletionStage<Void> evict(String socketId) {
        return registry.roomsOf(socketId).thenCompose(roomIds -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (String roomId : roomIds) {
                chain = chain.thenCompose(ok -> registry.leave(roomId, socketId)).thenCompose(left -> left.wasMember()
                        ? announcer.announce(left.remaining(), Announcement.Kind.DISCONNECTED, roomId, left.removed())
                        : CompletableFuture.completedFuture(null));
            }
            return chain;
        });
    }

    /**
     * Puts the memberships of a local socket back into the shared state after it was lost, and
     * introduces the socket and every member it was never told of (members who joined while the
     * state was lost, or before this node put it back): the socket, as the member that was there
     * first, makes the offer. Pairs that know each other are left alone by their rosters.
     */
    public CompletionStage<Void> restore(LocalSocket socket) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (String roomId : socket.rooms()) {
            LocalSocket.Membership membership = socket.membershipIfPresent(roomId);
            if (membership == null) {
                continue;
            }
            Member self = new Member(socket.id(), bus.localNode(), membership.name(), socket.userId(), membership.epoch());
            steps.add(registry.restore(roomId, self, membership.password(), membership.mediaState())
                    .thenCompose(others -> {
                        // The others' introductions are published first, so the offers the local
                        // client makes in answer to its own introductions follow them on the bus.
                        CompletionStage<Void> met = announcer.announce(others, Announcement.Kind.MET, roomId, self);
                        for (Member other : others) {
                            announcer.send(self.nodeId(), Announcement.of(Announcement.Kind.JOINED, roomId, self, other));
                        }
                        return met;
                    })
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    /**
     * Takes over, on this node, the memberships of a socket whose session was recovered here: each
     * room still listing it is re-pointed to this node (same epoch and name) in one atomic step,
     * whose member list becomes the socket's roster (what its client knows: the introductions of
     * members who joined while it was away were kept for it and are replayed), and each other
     * member's node is told where it is now (no client hears of it).
     */
    public CompletionStage<Void> resume(LocalSocket socket, MediaStateStore mediaStates) {
        return registry.roomsOf(socket.id()).thenCompose(roomIds -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (String roomId : roomIds) {
                chain = chain.thenCompose(ok -> resumeIn(socket, roomId, mediaStates));
            }
            return chain;
        });
    }

    private CompletionStage<Void> resumeIn(LocalSocket socket, String roomId, MediaStateStore mediaStates) {
        return registry.members(roomId).thenCompose(before -> {
            Member old = before.stream().filter(m -> m.socketId().equals(socket.id())).findFirst().orElse(null);
            if (old == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Member self = new Member(socket.id(), bus.localNode(), old.name(), old.userId(), old.epoch());
            return subscriptions.acquire(roomId)
                    .thenCompose(ok -> registry.rebind(roomId, self))
                    .thenCompose(members -> {
                        if (members.stream().noneMatch(m -> m.socketId().equals(socket.id()))) {
                            return subscriptions.release(roomId);
                        }
                        sockets.addToRoom(roomId, socket);
                        LocalSocket.Membership membership = socket.beginMembership(roomId, self.epoch());
                        membership.name(self.name());
                        List<Member> others = members.stream().filter(m -> !m.socketId().equals(socket.id())).toList();
                        for (Member peer : others) {
                            membership.roster().introduce(new Roster.Peer(peer.socketId(), peer.nodeId(), peer.epoch(),
                                    peer.name()));
                        }
                        CompletionStage<Void> media = mediaStates.snapshot(roomId).thenAccept(states -> {
                            MediaState state = states.get(socket.id());
                            if (state != null) {
                                membership.mediaState(state);
                            }
                        }).exceptionally(error -> null);
                        return announcer.announce(others, Announcement.Kind.MOVED, roomId, self)
                                .thenCombine(media, (told, cached) -> (Void) null);
                    });
        });
    }

    /**
     * Forgets a socket on this node only (its session went to another node, which owns its
     * memberships now): no shared-state change, nothing announced.
     */
    public CompletionStage<Void> forgetLocally(LocalSocket socket) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (String roomId : new ArrayList<>(socket.rooms())) {
            sockets.removeFromRoom(roomId, socket);
            chain = chain.thenCompose(ok -> subscriptions.release(roomId).exceptionally(error -> null));
        }
        return chain;
    }

    /**
     * Tells local sockets that peers on nodes without a live lease are gone, when two sweeps in a
     * row find them so. The reaper normally announces a dead node's sockets from the shared state;
     * this covers a node that died while that state was lost (Redis restarted empty), which no
     * survivor can know died. Rosters drop what the reaper announced already.
     */
    public void departPeersOfDeadNodes(Set<String> liveNodes) {
        Set<String> suspects = new HashSet<>();
        for (LocalSocket socket : sockets.all()) {
            for (String roomId : socket.rooms()) {
                LocalSocket.Membership membership = socket.membershipIfPresent(roomId);
                if (membership == null) {
                    continue;
                }
                Member target = new Member(socket.id(), bus.localNode(), membership.name(), socket.userId(),
                        membership.epoch());
                for (Roster.Peer peer : membership.roster().peers()) {
                    if (peer.nodeId().equals(bus.localNode()) || liveNodes.contains(peer.nodeId())) {
                        continue;
                    }
                    String suspect = socket.id() + ' ' + roomId + ' ' + peer.socketId() + '#' + peer.epoch();
                    suspects.add(suspect);
                    if (deadPeerSuspects.contains(suspect)) {
                        Member gone = new Member(peer.socketId(), peer.nodeId(), peer.name(), null, peer.epoch());
                        announcer.send(bus.localNode(), Announcement.of(Announcement.Kind.DISCONNECTED, roomId, target, gone));
                    }
                }
            }
        }
        deadPeerSuspects = suspects;
    }

    /** A departure the shared state could not take when it happened. */
    private record OwedDeparture(String roomId, Member departed, Announcement.Kind kind, List<Roster.Peer> known) {
    }

    private void owe(OwedDeparture owed) {
        for (Roster.Peer peer : owed.known()) {
            if (peer.nodeId().equals(bus.localNode())) {
                announcer.send(peer.nodeId(), Announcement.of(owed.kind(), owed.roomId(), peer, owed.departed()));
            }
        }
        owedDepartures.add(owed);
    }

    /**
     * Settles departures owed since the shared state was unreachable (cluster maintenance calls
     * this every heartbeat once it is reachable): leaves the room in the shared state if it still
     * lists the socket, then tells every peer the socket knew, every member the leave left behind
     * and every member the room has now (the state may have been lost and put back by the other
     * nodes meanwhile). Rosters drop whatever a peer was told already. Then sends the
     * announcement outbox again.
     */
    public CompletionStage<Void> settleOwedDepartures() {
        List<OwedDeparture> due = new ArrayList<>();
        OwedDeparture next;
        while ((next = owedDepartures.poll()) != null) {
            due.add(next);
        }
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (OwedDeparture owed : due) {
            chain = chain.thenCompose(ok -> settle(owed).handle((settled, error) -> {
                if (error != null) {
                    owedDepartures.add(owed);
                }
                return null;
            }));
        }
        return chain.thenCompose(ok -> announcer.retryPending());
    }

    private CompletionStage<Void> settle(OwedDeparture owed) {
        String roomId = owed.roomId();
        return registry.leave(roomId, owed.departed().socketId())
                .thenCompose(left -> registry.members(roomId).thenCompose(now -> {
                    List<CompletableFuture<Void>> sent = new ArrayList<>();
                    for (Roster.Peer peer : owed.known()) {
                        sent.add(announcer.send(peer.nodeId(), Announcement.of(owed.kind(), roomId, peer, owed.departed()))
                                .toCompletableFuture());
                    }
                    List<Member> others = new ArrayList<>(left.remaining());
                    others.addAll(now);
                    sent.add(announcer.announce(others, owed.kind(), roomId, owed.departed()).toCompletableFuture());
                    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
                }));
    }

    /** Departures owed to the shared state, oldest first. */
    public int owedDepartures() {
        return owedDepartures.size();
    }

    private static SignalingException refusal(JoinResult.Reason reason, String roomId) {
        return switch (reason) {
            case ROOM_FULL -> new SignalingException(ErrorCode.ROOM_FULL, "the room is full", roomId);
            case PASSWORD_REQUIRED -> new SignalingException(ErrorCode.PASSWORD_REQUIRED,
                    "this room needs a password", roomId);
            case WRONG_PASSWORD -> new SignalingException(ErrorCode.WRONG_PASSWORD, "wrong password", roomId);
        };
    }

    /** The {@code media-state} payload a joiner gets for a cached state. */
    public static Map<String, Object> mediaState(String socketId, String roomId, MediaState state) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", socketId);
        payload.put("roomId", roomId);
        payload.put("mic", state.mic());
        payload.put("cam", state.cam());
        return payload;
    }

    /** Room ids this socket is in, for tests and logs. */
    public static List<String> roomsOf(LocalSocket socket) {
        return List.copyOf(socket.rooms());
    }
}
