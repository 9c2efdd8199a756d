package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node dies while Redis is away, and Redis comes back empty: no survivor can learn from the
 * shared state that the node died (its lease and sockets are gone with the state), so the reaper
 * never runs for it. Its sockets' room-mates are still told they left, exactly once, because the
 * survivors find the dead node missing from the live leases.
 */
class CrashDuringOutageIntegrationTests {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldAnnounceTheSocketsOfANodeThatDiedWhileTheSharedStateWasLost() {
        RedisServer redis = REDIS.deployment();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", "outage-crash",
                "CLUSTER_HEARTBEAT_MS", "500", "CLUSTER_LEASE_MS", "2000");
        try (ProcessCluster nodes = ProcessCluster.start(2, env);
             TestClientFactory clients = TestClientFactory.java()) {
            TestClient doomed = clients.connect(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            doomed.emit("join-room", Map.of("roomId", "call", "name", "dee"));
            doomed.await("join-ok");
            TestClient survivor = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
            survivor.emit("join-room", Map.of("roomId", "call", "name", "sam"));
            survivor.await("join-ok");
            assertThat(survivor.receivedSoFar("user-connected")).hasSize(1);

            redis.kill();
            nodes.node(0).kill();
            redis.restart();

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    !survivor.receivedSoFar("user-disconnected").isEmpty());
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    survivor.receivedSoFar("user-disconnected").size() == 1
                            && survivor.receivedSoFar("#rtcio:peer-left").size() == 1);
            assertThat(survivor.receivedSoFar("user-disconnected").get(0).payload()).containsEntry("id", doomed.socketId());
        }
    }
}
