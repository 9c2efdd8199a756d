package io.rtcio.cluster;

import io.rtcio.cluster.memory.InMemoryHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four cluster services of one node, from one backend. {@link #create} is the only place
 * that chooses between the in-memory and the Redis backend.
 */
public interface ClusterBackend extends AutoCloseable {

    ClusterBus bus();

    RoomRegistry rooms();

    PresenceStore presence();

    MediaStateStore mediaStates();

    /** A short name of the backend for logs and health: "memory" or "redis". */
    String kind();

    @Override
    void close();

    /**
     * The backend for {@code config}: in-memory when no Redis URL is set (the node runs alone),
     * Redis otherwise.
     *
     * @throws IllegalArgumentException when a Redis URL is set but this build has no Redis backend
     */
    static ClusterBackend create(ClusterConfig config) {
        Logger log = LoggerFactory.getLogger(ClusterBackend.class);
        if (config.usesRedis()) {
            throw new IllegalArgumentException(
                    "REDIS_URL is set, but this build has no Redis backend yet; unset REDIS_URL to run one node alone");
        }
        log.info("using single-node cluster backend (in-memory); set REDIS_URL to share state between nodes");
        return new InMemoryHub().node(config.nodeId());
    }
}
