package io.rtcio.cluster.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The Lettuce connections of one node, whatever the topology: one command connection shared by
 * the stores and the bus, one pub/sub connection, and the pub/sub flavour of the topology (PUBLISH
 * and SUBSCRIBE on one server or Sentinel; sharded SPUBLISH and SSUBSCRIBE on Redis Cluster).
 *
 * <p>All methods are thread-safe and never block. Stages complete on Lettuce I/O threads: dependent
 * actions must not block. Commands issued from one thread go out, and are executed, in call order
 * (per Cluster node, on Redis Cluster). While Redis is unreachable, commands fail at once or after
 * {@link ClientSettings#COMMAND_TIMEOUT}; the connections reconnect and re-subscribe by themselves.
 */
sealed interface RedisConnections extends AutoCloseable permits StandaloneConnections, ClusterConnections {

    /** Opens the connections for {@code topology}; fails with a {@link RedisBackendException} when Redis is unreachable. */
    static RedisConnections open(RedisTopology topology) {
        if (topology instanceof RedisTopology.Cluster cluster) {
            return ClusterConnections.open(cluster);
        }
        return StandaloneConnections.open(topology);
    }

    /** Key-value and scripting commands. */
    RedisClusterAsyncCommands<String, String> commands();

    /** Publishes {@code message} on {@code channel}; completes with the number of receiving Redis clients. */
    CompletionStage<Long> publish(String channel, String message);

    /** Subscribes the pub/sub connection to {@code channel}; completes once Redis confirmed it. */
    CompletionStage<Void> subscribe(String channel);

    /** Unsubscribes from {@code channel}. */
    CompletionStage<Void> unsubscribe(String channel);

    /**
     * Sets the receiver of (channel, message) pairs. Called on Lettuce I/O threads (on Redis Cluster,
     * several at once), so it must be quick, must not block, and must not throw.
     */
    void onMessage(BiConsumer<String, String> receiver);

    /** Closes the connections and stops Lettuce's threads. */
    @Override
    void close();
}
