package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What makes the cluster grow: a relay between two nodes costs one Redis publish, and the third
 * node hears nothing of it (socket.io's Redis adapters send every relay to every node).
 */
class TargetedRelayIntegrationTests {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldCostOnePublishAndReachOnlyTheOwningNode() {
        RedisServer redis = REDIS.deployment();
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", redis.url()));
             TestClientFactory clients = TestClientFactory.node()) {
            TestClient a = clients.connect(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient b = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient c = clients.connect(nodes.url(2), ClientOptions.of(ClientTransport.WEBSOCKET));
            a.emit("join-room", Map.of("roomId", "pair", "name", "a"));
            a.await("join-ok");
            b.emit("join-room", Map.of("roomId", "pair", "name", "b"));
            b.await("join-ok");
            a.await("user-connected");
            a.await("#rtcio:init-offer");
            c.emit("join-room", Map.of("roomId", "elsewhere", "name", "c"));
            c.await("join-ok");

            // Let the joins' room broadcasts finish publishing before counting.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(250))
                    .until(new PublishesSettled(redis)::settled);
            long publishesBefore = RedisStats.calls(redis, "publish");
            double thirdNodeBefore = PrometheusOf.received(nodes, 2);
            a.emit("#rtcio:message", Map.of("target", b.socketId(), "data", Map.of("type", "offer", "sdp", "x")));
            assertThat(b.await("#rtcio:message").payload()).containsEntry("source", a.socketId());

            assertThat(RedisStats.calls(redis, "publish") - publishesBefore).isEqualTo(1);
            assertThat(PrometheusOf.received(nodes, 1)).isGreaterThanOrEqualTo(1);
            assertThat(PrometheusOf.received(nodes, 2) - thirdNodeBefore).isZero();
            c.expectNone("#rtcio:message", java.time.Duration.ofMillis(300));
        }
    }

    @Test
    void shouldCostOneRedisCommandPerCrossNodeRelay() {
        RedisServer redis = REDIS.deployment();
        int relays = 100;
        try (ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", "cost",
                "RATE_LIMIT_EVENTS_PER_SEC", "0"));
             TestClientFactory clients = TestClientFactory.java()) {
            TestClient a = clients.connect(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient b = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
            a.emit("join-room", Map.of("roomId", "pair", "name", "a"));
            a.await("join-ok");
            b.emit("join-room", Map.of("roomId", "pair", "name", "b"));
            b.await("join-ok");
            a.await("#rtcio:init-offer");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(250))
                    .until(new PublishesSettled(redis)::settled);
            Map<String, Long> before = costs(redis);

            for (int i = 0; i < relays; i++) {
                a.emit("#rtcio:message", Map.of("target", b.socketId(), "data", Map.of("seq", i)));
            }
            for (int i = 0; i < relays; i++) {
                assertThat(b.await("#rtcio:message").payload()).containsEntry("data", Map.of("seq", i));
            }

            Map<String, Long> after = costs(redis);
            Map<String, Long> perRelays = new java.util.TreeMap<>();
            after.forEach((command, calls) -> perRelays.put(command, calls - before.get(command)));
            System.out.printf("Redis commands for %d cross-node relays: %s%n", relays, perRelays);
            // The owner and the shared room come from what the sender's node holds: no lookup.
            assertThat(perRelays.get("publish")).isEqualTo(relays);
            assertThat(perRelays.get("get")).isZero();
            // Cluster maintenance reads a few sets every heartbeat; a lookup per relay would be 100.
            assertThat(perRelays.get("smembers")).isLessThan(10);
        }
    }

    private static Map<String, Long> costs(RedisServer redis) {
        return Map.of("publish", RedisStats.calls(redis, "publish"), "get", RedisStats.calls(redis, "get"),
                "smembers", RedisStats.calls(redis, "smembers"));
    }

    /** True once two readings of the publish counter in a row are equal. */
    private static final class PublishesSettled {
        private final RedisServer redis;
        private long last = -1;

        PublishesSettled(RedisServer redis) {
            this.redis = redis;
        }

        boolean settled() {
            long now = RedisStats.calls(redis, "publish");
            boolean same = now == last;
            last = now;
            return same;
        }
    }
}
