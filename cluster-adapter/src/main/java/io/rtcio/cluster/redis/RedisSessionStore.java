package io.rtcio.cluster.redis;

import static io.rtcio.cluster.redis.RedisBackendException.withIntent;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtcio.cluster.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Recoverable sessions in Redis: a hash and a log list per socket ({@link RedisKeys#session},
 * {@link RedisKeys#sessionLog}), in one slot, each step one script. Thread-safe.
 */
final class RedisSessionStore implements SessionStore {

    private static final LuaScript HOLD = LuaScript.load("session-hold");
    private static final LuaScript APPEND = LuaScript.load("session-append");
    private static final LuaScript CLAIM = LuaScript.load("session-claim");
    private static final LuaScript RELEASE = LuaScript.load("session-release");
    private static final LuaScript RESTORE = LuaScript.load("session-restore");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    RedisSessionStore(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    private String[] keysOf(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        return new String[] {keys.session(socketId), keys.sessionLog(socketId)};
    }

    @Override
    public CompletionStage<Void> open(Session session) {
        String[] k = keysOf(session.socketId());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("secret", session.secret());
        fields.put("node", session.nodeId());
        fields.put("user", session.userId() == null ? "" : session.userId());
        fields.put("nsp", session.namespace());
        fields.put("seq", "0");
        fields.put("floor", "0");
        fields.put("gen", "0");
        CompletionStage<Void> opened = redis.del(k[0], k[1]).thenCompose(deleted -> redis.hset(k[0], fields))
                .thenApply(count -> null);
        return withIntent(opened, "opening of the session of socket " + session.socketId());
    }

    @Override
    public CompletionStage<Boolean> restore(Session session, long generation, long lastOffset) {
        CompletionStage<Boolean> restored = RESTORE.<Long>run(redis, ScriptOutputType.INTEGER,
                        new String[] {keys.session(session.socketId())}, session.secret(), session.nodeId(),
                        session.userId() == null ? "" : session.userId(), session.namespace(),
                        String.valueOf(Math.max(0, lastOffset)), String.valueOf(Math.max(0, generation)))
                .thenApply(put -> put != null && put == 1L);
        return withIntent(restored, "restore of the session of socket " + session.socketId());
    }

    @Override
    public CompletionStage<String> hold(String socketId, String nodeId, Duration window) {
        CompletionStage<String> held = HOLD.<String>run(redis, ScriptOutputType.VALUE, keysOf(socketId),
                nodeId, String.valueOf(Math.max(1, window.toMillis())))
                .thenApply(holder -> holder == null || holder.isEmpty() ? null : holder);
        return withIntent(held, "hold of the session of socket " + socketId);
    }

    @Override
    public CompletionStage<Appended> append(String socketId, String expectedNode, long generation, String event,
                                            String payloadJson, Duration window) {
        CompletionStage<List<Object>> reply = APPEND.run(redis, ScriptOutputType.MULTI, keysOf(socketId),
                expectedNode, event + '\n' + payloadJson, String.valueOf(Math.max(1, window.toMillis())),
                String.valueOf(MAX_LOGGED_EVENTS), String.valueOf(generation < 0 ? -1 : generation));
        CompletionStage<Appended> appended = reply.thenApply(result -> {
            long offset = (Long) result.get(0);
            String moved = (String) result.get(1);
            return new Appended(offset, moved == null || moved.isEmpty() ? null : moved);
        });
        return withIntent(appended, "logging of an event for socket " + socketId);
    }

    @Override
    public CompletionStage<Claim> claim(String socketId, String secret, String userId, String namespace,
                                        String nodeId, long offset) {
        CompletionStage<List<Object>> reply = CLAIM.run(redis, ScriptOutputType.MULTI, keysOf(socketId),
                secret, userId == null ? "" : userId, namespace, nodeId, String.valueOf(offset));
        CompletionStage<Claim> claimed = reply.thenApply(RedisSessionStore::claimOf);
        return withIntent(claimed, "claim of the session of socket " + socketId + " by node " + nodeId);
    }

    static Claim claimOf(List<Object> reply) {
        if (!"ok".equals(reply.get(0))) {
            return new Claim.Refused(String.valueOf(reply.get(1)));
        }
        List<LoggedEvent> missed = new ArrayList<>(reply.size() - 3);
        for (int i = 3; i < reply.size(); i++) {
            missed.add(entry((String) reply.get(i)));
        }
        return new Claim.Recovered((String) reply.get(1), Long.parseLong((String) reply.get(2)), missed);
    }

    /** Reads {@code <offset>\n<event>\n<payload>}. */
    static LoggedEvent entry(String entry) {
        int first = entry.indexOf('\n');
        int second = entry.indexOf('\n', first + 1);
        return new LoggedEvent(Long.parseLong(entry.substring(0, first)), entry.substring(first + 1, second),
                entry.substring(second + 1));
    }

    @Override
    public CompletionStage<Boolean> release(String socketId, String nodeId) {
        CompletionStage<Boolean> released = RELEASE.<Long>run(redis, ScriptOutputType.INTEGER, keysOf(socketId), nodeId)
                .thenApply(result -> result == 1L);
        return withIntent(released, "release of the session of socket " + socketId);
    }
}
