package io.rtcio.cluster.redis;

import static io.rtcio.cluster.redis.RedisBackendException.withIntent;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.LeaveResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.RoomInfo;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.cluster.redis.RedisKeys.RoomKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Rooms in Redis (keys in {@link RedisKeys#room}). {@code join}, {@code leave}, {@code restore},
 * {@code members} and {@code describe} are each one Lua script on the room's keys, so each is
 * atomic cluster-wide and single-slot on Redis Cluster. The per-socket room index
 * ({@link RedisKeys#socketRooms}) lives in another slot, so it is updated by a separate command
 * right after the script: {@code roomsOf} may lag a concurrent join or leave by that one step.
 *
 * <p>Semantics are those of the in-memory registry, except that passwords are compared as salted
 * digests. Stages complete on Lettuce threads; failures are {@link RedisBackendException}s naming
 * the operation. Thread-safe.
 */
final class RedisRoomRegistry implements RoomRegistry {

    private static final LuaScript JOIN = LuaScript.load("join");
    private static final LuaScript LEAVE = LuaScript.load("leave");
    private static final LuaScript RESTORE = LuaScript.load("restore");
    private static final LuaScript REBIND = LuaScript.load("rebind");
    private static final LuaScript MEMBERS = LuaScript.load("members");
    private static final LuaScript DESCRIBE = LuaScript.load("describe");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    RedisRoomRegistry(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public CompletionStage<JoinResult> join(JoinRequest request) {
        Objects.requireNonNull(request, "request");
        String roomId = request.roomId();
        String socketId = request.member().socketId();
        CompletionStage<List<Object>> reply = JOIN.run(redis, ScriptOutputType.MULTI, keys.room(roomId).all(),
                socketId, StateCodec.encodeMember(request.member()),
                StateCodec.passwordDigest(roomId, request.password()), String.valueOf(request.maxPeers()));
        CompletionStage<JoinResult> joined = reply.thenApply(RedisRoomRegistry::joinResult).thenCompose(result ->
                result instanceof JoinResult.Joined
                        ? redis.sadd(keys.socketRooms(socketId), roomId).thenApply(added -> result)
                        : CompletableFuture.completedFuture(result));
        return withIntent(joined, "join of room " + roomId + " by socket " + socketId);
    }

    @Override
    public CompletionStage<LeaveResult> leave(String roomId, String socketId) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        CompletionStage<List<Object>> reply = LEAVE.run(redis, ScriptOutputType.MULTI, keys.room(roomId).all(), socketId);
        CompletionStage<LeaveResult> left = reply
                .thenApply(flat -> leaveResult(socketId, flat))
                .thenCompose(result -> redis.srem(keys.socketRooms(socketId), roomId).thenApply(removed -> result));
        return withIntent(left, "leave of room " + roomId + " by socket " + socketId);
    }

    @Override
    public CompletionStage<List<Member>> members(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        RoomKeys room = keys.room(roomId);
        CompletionStage<List<Object>> reply = MEMBERS.run(redis, ScriptOutputType.MULTI,
                new String[] {room.members(), room.order()});
        return withIntent(reply.thenApply(flat -> memberPairs(flat, 0)), "listing of room " + roomId);
    }

    @Override
    public CompletionStage<RoomInfo> describe(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        RoomKeys room = keys.room(roomId);
        CompletionStage<List<Long>> reply = DESCRIBE.run(redis, ScriptOutputType.MULTI,
                new String[] {room.members(), room.password()});
        return withIntent(reply.thenApply(info -> new RoomInfo(Math.toIntExact(info.get(0)), info.get(1) == 1L)),
                "description of room " + roomId);
    }

    @Override
    public CompletionStage<Set<String>> roomsOf(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        return withIntent(redis.smembers(keys.socketRooms(socketId)).thenApply(Set::copyOf),
                "listing of the rooms of socket " + socketId);
    }

    @Override
    public CompletionStage<List<Member>> restore(String roomId, Member member, String password, MediaState mediaState) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(member, "member");
        String socketId = member.socketId();
        CompletionStage<List<Object>> reply = RESTORE.run(redis, ScriptOutputType.MULTI, keys.room(roomId).all(),
                socketId, StateCodec.encodeMember(member), StateCodec.passwordDigest(roomId, password),
                mediaState == null ? "" : StateCodec.encodeMediaState(mediaState));
        CompletionStage<List<Member>> restored = reply
                .thenApply(flat -> memberPairs(flat, 0))
                .thenCompose(others -> redis.sadd(keys.socketRooms(socketId), roomId).thenApply(added -> others));
        return withIntent(restored, "restore of socket " + socketId + " into room " + roomId);
    }

    @Override
    public CompletionStage<List<Member>> rebind(String roomId, Member member) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(member, "member");
        CompletionStage<List<Member>> rebound = REBIND.<List<Object>>run(redis, ScriptOutputType.MULTI,
                        keys.room(roomId).all(), member.socketId(), StateCodec.encodeMember(member))
                .thenApply(flat -> memberPairs(flat, 0));
        return withIntent(rebound, "rebinding of socket " + member.socketId() + " in room " + roomId);
    }

    /** Reads the reply of leave.lua. */
    private static LeaveResult leaveResult(String socketId, List<Object> reply) {
        if ((Long) reply.get(0) == 0L) {
            return LeaveResult.notMember();
        }
        boolean emptied = (Long) reply.get(1) == 1L;
        Member removed = StateCodec.decodeMember(socketId, (String) reply.get(2));
        return new LeaveResult(true, emptied, removed, memberPairs(reply, 3));
    }

    /** Reads {socket, member JSON, ...} pairs from {@code from} on. */
    private static List<Member> memberPairs(List<Object> flat, int from) {
        List<Member> members = new ArrayList<>((flat.size() - from) / 2);
        for (int i = from; i + 1 < flat.size(); i += 2) {
            members.add(StateCodec.decodeMember((String) flat.get(i), (String) flat.get(i + 1)));
        }
        return List.copyOf(members);
    }

    /** Reads the reply of join.lua. */
    private static JoinResult joinResult(List<Object> reply) {
        String outcome = (String) reply.get(0);
        switch (outcome) {
            case "already":
                return new JoinResult.AlreadyMember();
            case "refused":
                return new JoinResult.Refused(JoinResult.Reason.valueOf((String) reply.get(1)));
            case "joined":
                List<Member> existing = new ArrayList<>();
                Map<String, MediaState> states = new HashMap<>();
                for (int i = 1; i + 2 < reply.size(); i += 3) {
                    String socketId = (String) reply.get(i);
                    existing.add(StateCodec.decodeMember(socketId, (String) reply.get(i + 1)));
                    String media = (String) reply.get(i + 2);
                    if (!media.isEmpty()) {
                        states.put(socketId, StateCodec.decodeMediaState(media));
                    }
                }
                return new JoinResult.Joined(existing, states);
            default:
                throw new IllegalStateException("unexpected reply of join.lua: " + outcome);
        }
    }
}
