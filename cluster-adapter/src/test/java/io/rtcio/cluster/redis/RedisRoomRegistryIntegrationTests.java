package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.RoomRegistryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link RoomRegistryContract} on one real Redis server: a fresh key prefix per test. */
class RedisRoomRegistryIntegrationTests extends RoomRegistryContract {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();

    private final String prefix = RedisTestNodes.freshPrefix();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return RedisTestNodes.open(redis.url(), prefix, nodeId);
    }
}
