package io.rtcio.node.redis;

import io.rtcio.cluster.redis.RedisClusterLayout;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.conformance.ProtocolConformance;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.TestNodes;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite on three in-JVM nodes sharing a Redis Cluster (sharded pub/sub, room keys
 * in one hash slot per room).
 */
class RedisClusterConformanceIntegrationTests extends ProtocolConformance {

    @RegisterExtension
    static final RedisServerExtension<RedisClusterLayout> REDIS = RedisServerExtension.cluster();

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.node();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return NodeCluster.start(3, onRedis(env, REDIS.url(), "cluster-suite"));
    }
}
