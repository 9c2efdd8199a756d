package io.rtcio.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@link RedisConnections} to one server, or to the master that Sentinel names (Lettuce asks the
 * sentinels again on each reconnect, so both connections follow a failover): PUBLISH/SUBSCRIBE.
 */
final class StandaloneConnections implements RedisConnections {

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    private StandaloneConnections(ClientResources resources, RedisClient client,
                                  StatefulRedisConnection<String, String> connection,
                                  StatefulRedisPubSubConnection<String, String> pubSub) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.pubSub = pubSub;
    }

    static StandaloneConnections open(RedisTopology topology) {
        RedisURI uri = topology instanceof RedisTopology.Sentinel sentinel
                ? sentinel.uri()
                : ((RedisTopology.Standalone) topology).uri();
        ClientResources resources = ClientSettings.resources();
        RedisClient client = RedisClient.create(resources, ClientSettings.withTimeout(uri));
        client.setOptions(ClientSettings.clientOptions());
        StatefulRedisConnection<String, String> connection = null;
        try {
            connection = client.connect();
            return new StandaloneConnections(resources, client, connection, client.connectPubSub());
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
        return connection.async().publish(channel, message);
    }

    @Override
    public CompletionStage<Void> subscribe(String channel) {
        return pubSub.async().subscribe(channel);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        return pubSub.async().unsubscribe(channel);
    }

    @Override
    public void onMessage(BiConsumer<String, String> receiver) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
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

    private static void shutdown(RedisClient client, ClientResources resources) {
        long timeout = ClientSettings.SHUTDOWN_TIMEOUT.toMillis();
        client.shutdown(0, timeout, TimeUnit.MILLISECONDS);
        resources.shutdown(0, timeout, TimeUnit.MILLISECONDS);
    }
}
