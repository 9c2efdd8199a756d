package io.rtcio.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node joins the cluster.
 *
 * @param nodeId    this node's id, unique in the cluster
 * @param redisUrl  Redis to share state through; null for the embedded in-memory backend
 * @param keyPrefix prefix of every Redis key and channel, so deployments can share one Redis
 * @param heartbeat how often the node renews its lease
 * @param lease     how long a lease lasts; a node silent for longer is reaped
 */
public record ClusterConfig(String nodeId, String redisUrl, String keyPrefix, Duration heartbeat, Duration lease) {

    public static final String DEFAULT_KEY_PREFIX = "rtcio";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(6);

    public ClusterConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("lease (" + lease + ") must be longer than heartbeat (" + heartbeat + ")");
        }
    }

    /** An embedded, single-node configuration. */
    public static ClusterConfig embedded(String nodeId) {
        return new ClusterConfig(nodeId, null, DEFAULT_KEY_PREFIX, DEFAULT_HEARTBEAT, DEFAULT_LEASE);
    }

    /** Whether a Redis URL was given. */
    public boolean usesRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }
}
