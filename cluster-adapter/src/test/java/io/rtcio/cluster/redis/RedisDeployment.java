package io.rtcio.cluster.redis;

/** A Redis that tests can point nodes at: one server, a Sentinel layout or a Cluster. */
public interface RedisDeployment {

    /** The URL to give nodes as {@code REDIS_URL}. */
    String url();

    /** Stops whatever this deployment started. Idempotent. */
    void stop();
}
