package io.rtcio.cluster.memory;

import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.LeaveResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.RoomInfo;
import io.rtcio.cluster.RoomRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The rooms of one {@link InMemoryHub}, shared by all its nodes. Every call completes before it
 * returns.
 *
 * <p>Thread-safety: one lock guards all rooms, so each call is atomic and calls are linearizable;
 * {@link #join} holds it across the password check, the capacity check, the snapshot (members and
 * their media states) and the insertion. Lock order: this registry, then the media-state store.
 */
final class InMemoryRoomRegistry implements RoomRegistry {

    /** A live room: members in join order and the password set by its first joiner, if any. */
    private static final class Room {
        final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
        String password;

        Room(String password) {
            this.password = password;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Room> rooms = new HashMap<>(); // guarded by lock
    private final Map<String, Set<String>> roomsBySocket = new HashMap<>(); // guarded by lock
    private final InMemoryMediaStateStore mediaStates;

    InMemoryRoomRegistry(InMemoryMediaStateStore mediaStates) {
        this.mediaStates = mediaStates;
    }

    @Override
    public CompletionStage<JoinResult> join(JoinRequest request) {
        Objects.requireNonNull(request, "request");
        synchronized (lock) {
            return CompletableFuture.completedFuture(joinLocked(request));
        }
    }

    private JoinResult joinLocked(JoinRequest request) {
        String roomId = request.roomId();
        String socketId = request.member().socketId();
        Room room = rooms.get(roomId);
        if (room != null && room.members.containsKey(socketId)) {
            return new JoinResult.AlreadyMember();
        }
        if (room != null && room.password != null) {
            if (!request.hasPassword()) {
                return new JoinResult.Refused(JoinResult.Reason.PASSWORD_REQUIRED);
            }
            if (!samePassword(room.password, request.password())) {
                return new JoinResult.Refused(JoinResult.Reason.WRONG_PASSWORD);
            }
        }
        if (room != null && room.members.size() >= request.maxPeers()) {
            return new JoinResult.Refused(JoinResult.Reason.ROOM_FULL);
        }
        if (room == null) {
            room = new Room(request.hasPassword() ? request.password() : null);
            rooms.put(roomId, room);
        }
        List<Member> existing = List.copyOf(room.members.values());
        Map<String, MediaState> states = mediaStates.statesOf(roomId, room.members.keySet());
        room.members.put(socketId, request.member());
        roomsBySocket.computeIfAbsent(socketId, socket -> new HashSet<>()).add(roomId);
        return new JoinResult.Joined(existing, states);
    }

    @Override
    public CompletionStage<List<Member>> restore(String roomId, Member member, String password, MediaState mediaState) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(member, "member");
        synchronized (lock) {
            Room room = rooms.computeIfAbsent(roomId, id -> new Room(null));
            List<Member> others = room.members.values().stream()
                    .filter(other -> !other.socketId().equals(member.socketId()))
                    .toList();
            if (room.password == null && password != null && !password.isEmpty()) {
                room.password = password;
            }
            room.members.putIfAbsent(member.socketId(), member);
            roomsBySocket.computeIfAbsent(member.socketId(), socket -> new HashSet<>()).add(roomId);
            if (mediaState != null) {
                mediaStates.put(roomId, member.socketId(), mediaState);
            }
            return CompletableFuture.completedFuture(others);
        }
    }

    @Override
    public CompletionStage<List<Member>> rebind(String roomId, Member member) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(member, "member");
        synchronized (lock) {
            Room room = rooms.get(roomId);
            if (room == null || !room.members.containsKey(member.socketId())) {
                return CompletableFuture.completedFuture(List.of());
            }
            room.members.put(member.socketId(), member);
            return CompletableFuture.completedFuture(List.copyOf(room.members.values()));
        }
    }

    /** Always drops the socket's media state in the room, member or not. */
    @Override
    public CompletionStage<LeaveResult> leave(String roomId, String socketId) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        synchronized (lock) {
            mediaStates.remove(roomId, socketId);
            Room room = rooms.get(roomId);
            Member removed = room == null ? null : room.members.remove(socketId);
            if (removed == null) {
                return CompletableFuture.completedFuture(LeaveResult.notMember());
            }
            Set<String> socketRooms = roomsBySocket.get(socketId);
            socketRooms.remove(roomId);
            if (socketRooms.isEmpty()) {
                roomsBySocket.remove(socketId);
            }
            boolean emptied = room.members.isEmpty();
            List<Member> remaining = List.copyOf(room.members.values());
            if (emptied) {
                rooms.remove(roomId);
                mediaStates.dropRoom(roomId);
            }
            return CompletableFuture.completedFuture(new LeaveResult(true, emptied, removed, remaining));
        }
    }

    @Override
    public CompletionStage<List<Member>> members(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        synchronized (lock) {
            Room room = rooms.get(roomId);
            return CompletableFuture.completedFuture(room == null ? List.of() : List.copyOf(room.members.values()));
        }
    }

    @Override
    public CompletionStage<RoomInfo> describe(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        synchronized (lock) {
            Room room = rooms.get(roomId);
            RoomInfo info = room == null ? new RoomInfo(0, false) : new RoomInfo(room.members.size(), room.password != null);
            return CompletableFuture.completedFuture(info);
        }
    }

    @Override
    public CompletionStage<Set<String>> roomsOf(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        synchronized (lock) {
            return CompletableFuture.completedFuture(Set.copyOf(roomsBySocket.getOrDefault(socketId, Set.of())));
        }
    }

    /** Compares in time independent of where the passwords differ. */
    private static boolean samePassword(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
