package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis is killed under traffic and comes back empty. Meanwhile no node exits, peers on one node
 * still reach each other and failed cross-node publishes are counted. After the return the nodes
 * re-publish what they own within 5 s: a new joiner gets a complete backfill and relays cross
 * nodes again. A join while Redis is away is refused with {@code unavailable}, never left unanswered.
 */
class RedisRestartIntegrationTests {

    private static final String PREFIX = "restart";

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldHealTheSharedStateAfterRedisComesBackEmpty() {
        RedisServer redis = REDIS.deployment();
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX));
             TestClientFactory clients = TestClientFactory.node()) {
            TestClient a = clients.connect(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient b = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.POLLING_UPGRADE));
            TestClient c = clients.connect(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            a.emit("join-room", Map.of("roomId", "call", "name", "ann", "password", "pw"));
            a.await("join-ok");
            b.emit("join-room", Map.of("roomId", "call", "name", "ben", "password", "pw"));
            b.await("join-ok");
            c.emit("join-room", Map.of("roomId", "call", "name", "cat", "password", "pw"));
            c.await("join-ok");
            a.emit("media-state", Map.of("roomId", "call", "mic", true, "cam", false));
            b.emit("media-state", Map.of("roomId", "call", "mic", false, "cam", true));
            c.await("media-state");
            c.await("media-state");

            redis.kill();
            // Same-node delivery keeps working; cross-node publishes fail and are counted.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                a.emit("#rtcio:message", Map.of("target", c.socketId(), "data", "while down"));
                assertThat(c.await("#rtcio:message", Duration.ofMillis(500)).payload()).containsEntry("data", "while down");
            });
            a.emit("media-state", Map.of("roomId", "call", "mic", true, "cam", true));
            assertThat(c.await("media-state").payload()).containsEntry("cam", true);
            a.emit("#rtcio:message", Map.of("target", b.socketId(), "data", "lost while down"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(nodes.metric("signaling_cluster_publish_failures_total", "")).isPositive());
            // A join that cannot reach the shared state is answered, not left hanging.
            b.emit("join-room", Map.of("roomId", "second", "name", "ben"));
            assertThat(b.await("join-error", Duration.ofSeconds(10)).payload())
                    .containsEntry("reason", "unavailable").containsEntry("roomId", "second");
            for (int i = 0; i < 3; i++) {
                assertThat(nodes.node(i).isAlive()).isTrue();
                assertThat(nodes.node(i).status("/health")).isEqualTo(200);
            }

            redis.restart();
            long back = System.nanoTime();
            String members = PREFIX + ":room:{call}:members";
            String media = PREFIX + ":room:{call}:media";
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(strings(Resp.call(redis.port(), "HKEYS", members)))
                        .containsExactlyInAnyOrder(a.socketId(), b.socketId(), c.socketId());
                assertThat(strings(Resp.call(redis.port(), "HKEYS", media)))
                        .containsExactlyInAnyOrder(a.socketId(), b.socketId());
                assertThat(Resp.call(redis.port(), "GET", PREFIX + ":socket:" + b.socketId() + ":node")).isEqualTo("proc-2");
            });
            System.out.printf("state back in Redis %d ms after its return%n", (System.nanoTime() - back) / 1_000_000);

            TestClient d = clients.connect(nodes.url(2), ClientOptions.of(ClientTransport.WEBSOCKET));
            d.emit("join-room", Map.of("roomId", "call", "name", "dan"));
            assertThat(d.await("join-error").payload()).containsEntry("reason", "password-required");
            d.emit("join-room", Map.of("roomId", "call", "name", "dan", "password", "pw"));
            d.await("join-ok");
            assertThat(d.receivedSoFar("user-connected")).extracting(r -> r.payload().get("id"))
                    .containsExactlyInAnyOrder(a.socketId(), b.socketId(), c.socketId());
            assertThat(d.receivedSoFar("media-state")).extracting(Received::payload).containsExactlyInAnyOrder(
                    Map.of("id", a.socketId(), "roomId", "call", "mic", true, "cam", true),
                    Map.of("id", b.socketId(), "roomId", "call", "mic", false, "cam", true));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                b.emit("#rtcio:message", Map.of("target", a.socketId(), "data", "after restart"));
                assertThat(a.await("#rtcio:message", Duration.ofMillis(500)).payload()).containsEntry("data", "after restart");
            });
            d.emit("#rtcio:message", Map.of("target", b.socketId(), "data", "hi from node 3"));
            assertThat(b.await("#rtcio:message").payload()).containsEntry("source", d.socketId());
        }
    }

    private static List<String> strings(Object reply) {
        return ((List<?>) reply).stream().map(String::valueOf).toList();
    }
}
