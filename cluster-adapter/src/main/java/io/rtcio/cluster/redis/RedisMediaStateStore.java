package io.rtcio.cluster.redis;

import static io.rtcio.cluster.redis.RedisBackendException.withIntent;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Media states in one hash per room ({@link RedisKeys.RoomKeys#mediaStates()}), the hash that the
 * room scripts snapshot on join and delete when the room empties. Like the in-memory store, it does
 * not check membership. Snapshots are immutable copies. Thread-safe.
 */
final class RedisMediaStateStore implements MediaStateStore {

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    RedisMediaStateStore(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public CompletionStage<Void> put(String roomId, String socketId, MediaState state) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(state, "state");
        CompletionStage<Boolean> set = redis.hset(keys.room(roomId).mediaStates(), socketId,
                StateCodec.encodeMediaState(state));
        return withIntent(set.thenApply(created -> null), "caching of the media state of socket " + socketId
                + " in room " + roomId);
    }

    @Override
    public CompletionStage<Void> remove(String roomId, String socketId) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        return withIntent(redis.hdel(keys.room(roomId).mediaStates(), socketId).thenApply(removed -> null),
                "removal of the media state of socket " + socketId + " in room " + roomId);
    }

    @Override
    public CompletionStage<Map<String, MediaState>> snapshot(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        return withIntent(redis.hgetall(keys.room(roomId).mediaStates()).thenApply(stored -> {
            Map<String, MediaState> states = new HashMap<>();
            stored.forEach((socketId, json) -> states.put(socketId, StateCodec.decodeMediaState(json)));
            return Map.copyOf(states);
        }), "snapshot of the media states of room " + roomId);
    }
}
