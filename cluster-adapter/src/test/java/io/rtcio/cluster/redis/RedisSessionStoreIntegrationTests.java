package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.SessionStoreContract;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link SessionStoreContract} on one real Redis server: a fresh key prefix per test. */
class RedisSessionStoreIntegrationTests extends SessionStoreContract {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();

    private final String prefix = RedisTestNodes.freshPrefix();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return RedisTestNodes.open(redis.url(), prefix, nodeId);
    }

    @Override
    protected void advanceTime(Duration duration) {
        Instant until = Instant.now().plus(duration);
        Awaitility.await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> !Instant.now().isBefore(until));
    }
}
