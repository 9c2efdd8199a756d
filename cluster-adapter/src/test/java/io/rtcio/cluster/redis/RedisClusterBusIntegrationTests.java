package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.ClusterBusContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link ClusterBusContract} on one real Redis server: a fresh key prefix per test. */
class RedisClusterBusIntegrationTests extends ClusterBusContract {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();

    private final String prefix = RedisTestNodes.freshPrefix();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return RedisTestNodes.open(redis.url(), prefix, nodeId);
    }
}
