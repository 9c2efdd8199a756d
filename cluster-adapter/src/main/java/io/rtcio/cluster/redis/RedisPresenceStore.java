package io.rtcio.cluster.redis;

import static io.rtcio.cluster.redis.RedisBackendException.withIntent;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtcio.cluster.PresenceStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Presence in Redis: a key per socket naming its node, a socket set per node, a lease key per node
 * with a TTL, a reap-claim key per dead node with a TTL, and the set of known nodes (keys in
 * {@link RedisKeys}). Leases are measured by Redis' clock, so nodes need no synchronised clocks.
 *
 * <p>Multi-key steps span slots on Redis Cluster, so they are separate commands issued in a fixed
 * order, not one script: {@code register} moves a socket between node sets right after setting its
 * node; {@code forgetNode} deletes socket entries (each only if it still names the dead node), then
 * the node's keys, then its known-node entry. Only the reap claim itself is a script (on the node's
 * slot), which makes it exclusive. Failures are {@link RedisBackendException}s naming the step.
 * Thread-safe.
 */
final class RedisPresenceStore implements PresenceStore {

    private static final LuaScript CLAIM_REAP = LuaScript.load("claim-reap");
    private static final LuaScript FORGET_SOCKET = LuaScript.load("forget-socket");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final String localNode;
    private final Duration claimLength;

    /** {@code localNode} is recorded as the claimer of reaps; a claim lasts {@code claimLength}. */
    RedisPresenceStore(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, String localNode,
                       Duration claimLength) {
        this.redis = redis;
        this.keys = keys;
        this.localNode = localNode;
        this.claimLength = claimLength;
    }

    @Override
    public CompletionStage<Void> register(String socketId, String nodeId) {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(nodeId, "nodeId");
        CompletionStage<Long> added = redis.sadd(keys.nodeSockets(nodeId), socketId);
        CompletionStage<Void> moved = redis.setGet(keys.socketNode(socketId), nodeId)
                .thenCombine(added, (previous, ignored) -> previous)
                .thenCompose(previous -> previous == null || previous.equals(nodeId)
                        ? CompletableFuture.completedFuture(null)
                        : redis.srem(keys.nodeSockets(previous), socketId).thenApply(removed -> null));
        return withIntent(moved, "registration of socket " + socketId + " on node " + nodeId);
    }

    @Override
    public CompletionStage<Void> unregister(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        CompletionStage<Void> removed = redis.getdel(keys.socketNode(socketId)).thenCompose(owner -> owner == null
                ? CompletableFuture.completedFuture(null)
                : redis.srem(keys.nodeSockets(owner), socketId).thenApply(count -> null));
        return withIntent(removed, "unregistration of socket " + socketId);
    }

    @Override
    public CompletionStage<Optional<String>> locate(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        return withIntent(redis.get(keys.socketNode(socketId)).thenApply(Optional::ofNullable),
                "lookup of socket " + socketId);
    }

    /** @throws IllegalArgumentException when {@code lease} is shorter than a millisecond */
    @Override
    public CompletionStage<Boolean> heartbeat(String nodeId, Duration lease) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1 ms, got " + lease);
        }
        CompletionStage<String> previous = redis.setGet(keys.nodeLease(nodeId),
                String.valueOf(System.currentTimeMillis()), SetArgs.Builder.px(lease.toMillis()));
        CompletionStage<Long> withdrawn = redis.del(keys.nodeReapClaim(nodeId));
        CompletionStage<Long> known = redis.sadd(keys.knownNodes(), nodeId);
        CompletionStage<Boolean> live = previous.thenCombine(withdrawn, (before, ignored) -> before != null)
                .thenCombine(known, (wasLive, ignored) -> wasLive);
        return withIntent(live, "heartbeat of node " + nodeId);
    }

    @Override
    public CompletionStage<Set<String>> deadNodes() {
        return withIntent(knownNodesWithLease(false), "listing of dead nodes");
    }

    @Override
    public CompletionStage<Set<String>> liveNodes() {
        return withIntent(knownNodesWithLease(true), "listing of live nodes");
    }

    /** Known nodes whose lease key exists ({@code leased}) or does not. */
    private CompletionStage<Set<String>> knownNodesWithLease(boolean leased) {
        return redis.smembers(keys.knownNodes()).thenCompose(nodes -> {
            Map<String, CompletableFuture<Long>> leases = nodes.stream().collect(Collectors.toMap(
                    node -> node, node -> redis.exists(keys.nodeLease(node)).toCompletableFuture()));
            return CompletableFuture.allOf(leases.values().toArray(CompletableFuture[]::new))
                    .thenApply(all -> leases.entrySet().stream()
                            .filter(lease -> (lease.getValue().join() == 1L) == leased)
                            .map(Map.Entry::getKey)
                            .collect(Collectors.toUnmodifiableSet()));
        });
    }

    @Override
    public CompletionStage<Boolean> claimReap(String deadNode) {
        Objects.requireNonNull(deadNode, "deadNode");
        CompletionStage<Boolean> claimed = redis.sismember(keys.knownNodes(), deadNode).thenCompose(known -> !known
                ? CompletableFuture.completedFuture(false)
                : CLAIM_REAP.<Long>run(redis, ScriptOutputType.INTEGER,
                        new String[] {keys.nodeLease(deadNode), keys.nodeReapClaim(deadNode)},
                        localNode, String.valueOf(Math.max(1, claimLength.toMillis())))
                        .thenApply(granted -> granted == 1L));
        return withIntent(claimed, "reap claim of node " + deadNode + " by node " + localNode);
    }

    @Override
    public CompletionStage<Set<String>> socketsOf(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return withIntent(redis.smembers(keys.nodeSockets(nodeId)).thenApply(Set::copyOf),
                "listing of the sockets of node " + nodeId);
    }

    @Override
    public CompletionStage<Void> forgetNode(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        CompletionStage<Void> forgotten = redis.smembers(keys.nodeSockets(nodeId))
                .thenCompose(sockets -> {
                    List<CompletableFuture<Long>> deletions = sockets.stream()
                            .map(socket -> FORGET_SOCKET.<Long>run(redis, ScriptOutputType.INTEGER,
                                    new String[] {keys.socketNode(socket)}, nodeId).toCompletableFuture())
                            .toList();
                    return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new));
                })
                .thenCompose(socketsForgotten -> redis.del(keys.nodeSockets(nodeId), keys.nodeLease(nodeId),
                        keys.nodeReapClaim(nodeId)))
                .thenCompose(deleted -> redis.srem(keys.knownNodes(), nodeId))
                .thenApply(removed -> null);
        return withIntent(forgotten, "forgetting of node " + nodeId);
    }

    @Override
    public CompletionStage<Void> endLease(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        // The node stays known and keeps its socket set: the next reaper finds it dead.
        CompletionStage<Void> ended = redis.sadd(keys.knownNodes(), nodeId)
                .thenCompose(known -> redis.del(keys.nodeLease(nodeId)))
                .thenApply(deleted -> null);
        return withIntent(ended, "end of the lease of node " + nodeId);
    }
}
