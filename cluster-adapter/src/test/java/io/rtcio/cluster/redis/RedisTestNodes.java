package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterConfig;
import java.time.Duration;
import java.util.UUID;

/**
 * Nodes for tests on a shared Redis: each test takes a fresh key prefix, so tests (and test runs)
 * never see each other's keys or channels, and nothing needs flushing.
 */
public final class RedisTestNodes {

    /** The heartbeat of test nodes. */
    public static final Duration HEARTBEAT = Duration.ofMillis(500);
    /**
     * The lease of test nodes (also how long a reap claim lasts): short, so lease tests take seconds,
     * yet long enough that a loaded two-core machine keeps the margins the presence contract needs.
     */
    public static final Duration LEASE = Duration.ofSeconds(2);

    private RedisTestNodes() {
    }

    /** A key prefix no other test uses: {@code rtcio-test-<random>}. */
    public static String freshPrefix() {
        return "rtcio-test-" + UUID.randomUUID().toString().substring(0, 13);
    }

    /** The configuration of node {@code nodeId} of the test cluster at {@code url} with {@code prefix}. */
    public static ClusterConfig config(String url, String prefix, String nodeId) {
        return new ClusterConfig(nodeId, url, prefix, HEARTBEAT, LEASE);
    }

    /** Starts node {@code nodeId} of the test cluster at {@code url} with {@code prefix}. */
    public static RedisBackend open(String url, String prefix, String nodeId) {
        return RedisBackend.open(config(url, prefix, nodeId));
    }
}
