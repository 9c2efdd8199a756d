package io.rtcio.cluster.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@link RedisConnections} to Redis Cluster, with sharded pub/sub (Redis 7): SPUBLISH goes to the
 * node owning the channel's slot, and SSUBSCRIBE is routed by Lettuce to that node, so a message
 * travels to its channel's shard only, not to every node of the cluster.
 *
 * <p>Order holds per channel. Messages of different channels may come from different shards, over
 * different connections, so there is no order between them. Known gap: a subscription whose slot
 * moves to another node (resharding, Cluster failover) is not moved by Lettuce.
 */
final class ClusterConnections implements RedisConnections {

    private final ClientResources resources;
    private final RedisClusterClient client;
    private final StatefulRedisClusterConnection<String, String> connection;
    private final StatefulRedisClusterPubSubConnection<String, String> pubSub;

    private ClusterConnections(ClientResources resources, RedisClusterClient client,
                               StatefulRedisClusterConnection<String, String> connection,
                               StatefulRedisClusterPubSubConnection<String, String> pubSub) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.pubSub = pubSub;
    }

    static ClusterConnections open(RedisTopology.Cluster topology) {
        ClientResources resources = ClientSettings.resources();
        RedisClusterClient client = RedisClusterClient.create(resources,
                topology.seeds().stream().map(ClientSettings::withTimeout).toList());
        client.setOptions(ClientSettings.clusterOptions());
        StatefulRedisClusterConnection<String, String> connection = null;
        try {
            connection = client.connect();
            return new ClusterConnections(resources, client, connection, client.connectPubSub());
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            shutdown(client, resources);
            throw new RedisBackendException("could not connect to " + topology.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RedisClusterAsyncCommands<String, String> commands() {
        return connection.async();
    }

    @Override
    public CompletionStage<Long> publish(String channel, String message) {
        return connection.async().spublish(channel, message);
    }

    @Override
    public CompletionStage<Void> subscribe(String channel) {
        return pubSub.async().ssubscribe(channel);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        return pubSub.async().sunsubscribe(channel);
    }

    @Override
    public void onMessage(BiConsumer<String, String> receiver) {
        pubSub.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, String channel, String message) {
                receiver.accept(channel, message);
            }
        });
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        shutdown(client, resources);
    }

    private static void shutdown(RedisClusterClient client, ClientResources resources) {
        long timeout = ClientSettings.SHUTDOWN_TIMEOUT.toMillis();
        client.shutdown(0, timeout, TimeUnit.MILLISECONDS);
        resources.shutdown(0, timeout, TimeUnit.MILLISECONDS);
    }
}
