package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.cluster.SessionStore;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One node's cluster services on Redis: a bus and three stores over one set of
 * {@link RedisConnections}. Built by {@link ClusterBackend#create}; tests may call {@link #open}.
 *
 * <p>{@link #close} closes the bus and the connections only: shared state stays in Redis, as when a
 * node dies, until the node's survivors reap it. Thread-safe.
 */
public final class RedisBackend implements ClusterBackend {

    private final RedisTopology topology;
    private final RedisConnections redis;
    private final RedisClusterBus bus;
    private final RedisRoomRegistry rooms;
    private final RedisPresenceStore presence;
    private final RedisMediaStateStore mediaStates;
    private final RedisSessionStore sessions;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisBackend(ClusterConfig config, RedisTopology topology, RedisConnections redis, RedisClusterBus bus,
                         RedisKeys keys) {
        this.topology = topology;
        this.redis = redis;
        this.bus = bus;
        this.rooms = new RedisRoomRegistry(redis.commands(), keys);
        this.presence = new RedisPresenceStore(redis.commands(), keys, config.nodeId(), config.lease());
        this.mediaStates = new RedisMediaStateStore(redis.commands(), keys);
        this.sessions = new RedisSessionStore(redis.commands(), keys);
    }

    /**
     * Connects node {@code config.nodeId()} to the Redis of {@code config.redisUrl()} and subscribes
     * it to its channel; returns once that subscription is confirmed.
     *
     * @throws IllegalArgumentException when the URL or the key prefix is invalid
     * @throws RedisBackendException    when Redis cannot be reached or does not confirm in time
     */
    public static RedisBackend open(ClusterConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.usesRedis()) {
            throw new IllegalArgumentException("no Redis URL configured");
        }
        RedisTopology topology = RedisTopology.parse(config.redisUrl());
        RedisKeys keys = new RedisKeys(config.keyPrefix());
        RedisConnections redis = RedisConnections.open(topology);
        try {
            long timeout = 2 * ClientSettings.COMMAND_TIMEOUT.toMillis();
            RedisClusterBus bus = RedisClusterBus.start(config.nodeId(), redis, keys)
                    .toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
            return new RedisBackend(config, topology, redis, bus, keys);
        } catch (ExecutionException | TimeoutException e) {
            redis.close();
            Throwable cause = RedisBackendException.unwrap(e);
            throw new RedisBackendException("start of node " + config.nodeId() + " on " + topology.describe()
                    + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            redis.close();
            Thread.currentThread().interrupt();
            throw new RedisBackendException("start of node " + config.nodeId() + " was interrupted", e);
        }
    }

    /** Where Redis is; for logs and health. */
    public RedisTopology topology() {
        return topology;
    }

    /** The bus, with its {@link RedisClusterBus#counters() counters}. */
    @Override
    public RedisClusterBus bus() {
        return bus;
    }

    @Override
    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public MediaStateStore mediaStates() {
        return mediaStates;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        bus.close();
        redis.close();
    }
}
