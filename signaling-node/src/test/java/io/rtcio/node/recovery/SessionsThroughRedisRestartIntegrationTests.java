package io.rtcio.node.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.FreePorts;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.RecoveringClient;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis restarts empty under two node processes with recovery on: the node that holds a socket
 * puts its recoverable session back when it re-publishes what it owns, so a later drop of that
 * client is still recovered (same id, the relays sent meanwhile replayed, no departure), on the
 * other node, instead of becoming a new session.
 */
class SessionsThroughRedisRestartIntegrationTests {

    private static final String PREFIX = "sessions-restart";
    private static final int GRACE_MS = 2_000;
    private static final Duration QUIET = Duration.ofMillis(GRACE_MS + 1_500);

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void aSessionOpenedBeforeRedisCameBackEmptyIsStillRecovered() {
        RedisServer redis = REDIS.deployment();
        String nowhere = "http://127.0.0.1:" + FreePorts.next();
        try (ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX,
                "DEPARTURE_GRACE_MS", String.valueOf(GRACE_MS), "RECOVERY_WINDOW_MS", "30000",
                "CLUSTER_HEARTBEAT_MS", "500", "CLUSTER_LEASE_MS", "5000"));
             TestClientFactory clients = TestClientFactory.node()) {
            RecoveringClient alice = clients.connectRecovering(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient bob = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
            join(alice, "alice");
            join(bob, "bob");
            String id = alice.socketId();
            String session = PREFIX + ":session:{" + id + "}";
            assertThat(Resp.call(redis.port(), "EXISTS", session)).as("session in Redis").isEqualTo(1L);

            redis.kill();
            redis.restart();
            long back = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(Resp.call(redis.port(),
                    "EXISTS", session)));
            System.out.printf("session back in Redis %d ms after its return%n", (System.nanoTime() - back) / 1_000_000);
            // The directory too, so that relays find alice's node again.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "proc-1".equals(Resp.call(redis.port(), "GET",
                    PREFIX + ":socket:" + id + ":node")));

            // And relays route again end to end (both nodes re-published, buses listening): a probe
            // from bob reaches alice live before she drops; else the relays below could be refused.
            // One probe at a time, each given a second, so that none is still on its way at the drop.
            java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                int probe = probes.incrementAndGet();
                bob.emit("#rtcio:message", Map.of("target", id, "data", Map.of("probe", probe)));
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> alice.receivedSoFar("#rtcio:message")
                            .stream().anyMatch(r -> Integer.valueOf(probe).equals(((Map<?, ?>) r.payload().get("data")).get("probe"))));
                    return true;
                } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                    return false;
                }
            });

            alice.retarget(nowhere);
            alice.drop();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> (Long) Resp.call(redis.port(), "PTTL", session) > 0);
            for (int i = 1; i <= 3; i++) {
                bob.emit("#rtcio:message", Map.of("target", id, "data", Map.of("seq", i)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((List<?>) Resp.call(redis.port(),
                    "LRANGE", PREFIX + ":session:{" + id + "}:log", "0", "-1")).as("the session's log").hasSize(3));
            alice.retarget(nodes.url(1));

            RecoveringClient.Connect again = alice.awaitConnect(2, Duration.ofSeconds(10));
            assertThat(again.recovered()).as("socket.recovered").isTrue();
            assertThat(again.socketId()).isEqualTo(id);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sequenced(alice).size() >= 3);
            assertThat(sequenced(alice)).containsExactly(1, 2, 3);
            bob.expectNone("#rtcio:peer-left", QUIET);
            bob.expectNone("user-disconnected", Duration.ZERO);
            List.of(alice, bob).forEach(TestClient::close);
        }
    }

    /** The {@code seq} of each relay {@code client} got, in order, leaving out the probes. */
    private static List<Object> sequenced(TestClient client) {
        return client.receivedSoFar("#rtcio:message").stream()
                .map(r -> (Object) ((Map<?, ?>) r.payload().get("data")).get("seq"))
                .filter(java.util.Objects::nonNull).toList();
    }

    private static void join(TestClient client, String name) {
        client.emit("join-room", Map.of("roomId", "call", "name", name));
        client.await("join-ok");
    }
}
