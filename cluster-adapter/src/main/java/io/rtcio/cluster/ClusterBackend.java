package io.rtcio.cluster;

import io.rtcio.cluster.memory.InMemoryHub;
import io.rtcio.cluster.redis.RedisBackend;
import io.rtcio.cluster.redis.RedisBackendException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster services of one node, from one backend. {@link #create} is the only place
 * that chooses between the in-memory and the Redis backend.
 */
public interface ClusterBackend extends AutoCloseable {

    ClusterBus bus();

    RoomRegistry rooms();

    PresenceStore presence();

    MediaStateStore mediaStates();

    /** Recoverable sessions (connection-state recovery). */
    SessionStore sessions();

    /** A short name of the backend for logs and health: "memory" or "redis". */
    String kind();

    @Override
    void close();

    /**
     * The backend for {@code config}: in-memory when no Redis URL is set (the node runs alone),
     * Redis otherwise (standalone, Sentinel or Cluster, as the URL says: see
     * {@link io.rtcio.cluster.redis.RedisTopology}). Logs which one it chose.
     *
     * @throws IllegalArgumentException when the Redis URL or the key prefix is invalid
     * @throws RedisBackendException    when Redis cannot be reached
     */
    static ClusterBackend create(ClusterConfig config) {
        Logger log = LoggerFactory.getLogger(ClusterBackend.class);
        if (config.usesRedis()) {
            RedisBackend backend = RedisBackend.open(config);
            log.info("using Redis cluster backend: {}, key prefix '{}', node {}",
                    backend.topology().describe(), config.keyPrefix(), config.nodeId());
            return backend;
        }
        log.info("using single-node cluster backend (in-memory); set REDIS_URL to share state between nodes");
        return new InMemoryHub().node(config.nodeId());
    }
}
