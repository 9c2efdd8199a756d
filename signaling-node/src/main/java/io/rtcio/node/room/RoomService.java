package io.rtcio.node.room;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.relay.Relay;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.RoomSubscriptions;
import io.rtcio.node.session.SocketRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The room half of the protocol: {@code join-room}, {@code check-room}, {@code leave-room}, and
 * what a disconnecting socket owes its rooms.
 */
public final class RoomService {

    private final RoomRegistry registry;
    private final ClusterBus bus;
    private final RoomSubscriptions subscriptions;
    private final SocketRegistry sockets;
    private final Relay relay;
    private final RoomAccessPolicy accessPolicy;
    private final int maxPeers;

    public RoomService(RoomRegistry registry, ClusterBus bus, SocketRegistry sockets, Relay relay,
                       RoomAccessPolicy accessPolicy, int maxPeers) {
        this.registry = registry;
        this.bus = bus;
        this.subscriptions = new RoomSubscriptions(bus);
        this.sockets = sockets;
        this.relay = relay;
        this.accessPolicy = accessPolicy;
        this.maxPeers = maxPeers;
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
            Member member = new Member(socket.id(), bus.localNode(), name == null ? "" : name, socket.userId());
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
        sockets.addToRoom(roomId, socket);
        socket.membership(roomId).name(member.name());
        if (result instanceof JoinResult.Joined joined) {
            for (Member existing : joined.existing()) {
                socket.send(Events.USER_CONNECTED, userConnected(existing.socketId(), existing.name()));
            }
            joined.mediaStates().forEach((socketId, state) -> socket.send(Events.MEDIA_STATE,
                    mediaState(socketId, roomId, state)));
        }
        socket.send(Events.JOIN_OK, Map.of("roomId", roomId));
        if (!(result instanceof JoinResult.Joined joined)) {
            return CompletableFuture.completedFuture(null);
        }
        // Introduce the newcomer to exactly the members of its atomic snapshot, each on the node
        // the snapshot names: a room broadcast could also reach a concurrent joiner that already
        // has the newcomer in its own snapshot, and the pair would be introduced twice.
        Map<String, Object> introduction = userConnected(member.socketId(), member.name());
        Map<String, Object> initOffer = Map.of("source", socket.id());
        List<CompletableFuture<Boolean>> sent = new ArrayList<>();
        for (Member existing : joined.existing()) {
            sent.add(relay.toSocketOn(existing.nodeId(), socket.id(), existing.socketId(), Events.USER_CONNECTED,
                            introduction)
                    .thenCompose(ok -> relay.toSocketOn(existing.nodeId(), socket.id(), existing.socketId(),
                            Events.RTCIO_INIT_OFFER, initOffer))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
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
     * {@code user-disconnected} to each, then leaving them.
     */
    public CompletionStage<Void> leaveAll(LocalSocket socket) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (String roomId : new ArrayList<>(socket.rooms())) {
            // One room's failure (e.g. Redis away) must not keep the socket in its other rooms.
            chain = chain.handle((ok, error) -> error)
                    .thenCompose(previous -> leave(socket, roomId, true).handle((ok, error) -> {
                        Throwable first = previous != null ? previous : error;
                        if (first != null) {
                            throw first instanceof RuntimeException e ? e : new IllegalStateException(first);
                        }
                        return null;
                    }));
        }
        return chain;
    }

    /**
     * A disconnecting socket tells its rooms first and leaves after (as socket.io's
     * "disconnecting"); a socket leaving one room leaves first, so a peer told of it never finds it
     * still in the room.
     */
    private CompletionStage<Void> leave(LocalSocket socket, String roomId, boolean disconnecting) {
        Map<String, Object> id = Map.of("id", socket.id());
        if (disconnecting) {
            return relay.toRoom(roomId, socket.id(), Events.RTCIO_PEER_LEFT, id)
                    .thenCompose(ok -> relay.toRoom(roomId, socket.id(), Events.USER_DISCONNECTED, id))
                    .thenCompose(ok -> forget(socket, roomId));
        }
        return forget(socket, roomId).handle((ok, error) -> error)
                .thenCompose(error -> relay.toRoom(roomId, socket.id(), Events.USER_DISCONNECTED, id)
                        .thenCompose(ok -> error == null
                                ? CompletableFuture.<Void>completedFuture(null)
                                : CompletableFuture.<Void>failedFuture(error)));
    }

    /** Leaves the shared room; local bookkeeping happens whatever the shared state says. */
    private CompletionStage<Void> forget(LocalSocket socket, String roomId) {
        return registry.leave(roomId, socket.id())
                .handle((result, error) -> {
                    sockets.removeFromRoom(roomId, socket);
                    return error;
                })
                .thenCompose(error -> subscriptions.release(roomId).thenCompose(ok -> error == null
                        ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.<Void>failedFuture(error)));
    }

    private static SignalingException refusal(JoinResult.Reason reason, String roomId) {
        return switch (reason) {
            case ROOM_FULL -> new SignalingException(ErrorCode.ROOM_FULL, "the room is full", roomId);
            case PASSWORD_REQUIRED -> new SignalingException(ErrorCode.PASSWORD_REQUIRED,
                    "this room needs a password", roomId);
            case WRONG_PASSWORD -> new SignalingException(ErrorCode.WRONG_PASSWORD, "wrong password", roomId);
        };
    }

    private static Map<String, Object> userConnected(String socketId, String name) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", socketId);
        payload.put("name", name);
        return payload;
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
