package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of one of three node processes with 60 connected peers: with the default lease,
 * within 10 s every surviving peer is told ({@code #rtcio:peer-left} and {@code user-disconnected})
 * about each peer of the dead node in its rooms, and Redis holds nothing of the dead node.
 */
class NodeCrashIntegrationTests {

    private static final String PREFIX = "crash";

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldEvictTheDeadNodesPeersWithinTenSeconds() {
        RedisServer redis = REDIS.deployment();
        // No departure grace: this measures the reaper itself (the grace is SessionRecoveryIntegrationTests').
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX,
                "DEPARTURE_GRACE_MS", "0"));
             TestClientFactory clients = TestClientFactory.node()) {
            List<TestClient> peers = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                TestClient peer = clients.connect(nodes.urlFor(i), ClientOptions.of(ClientTransport.WEBSOCKET));
                peers.add(peer);
                // 15 rooms of 4; peer i is on node i % 3, so every room spans all three nodes.
                peer.emit("join-room", Map.of("roomId", "room-" + (i / 4), "name", "p" + i));
                peer.await("join-ok");
                peer.emit("media-state", Map.of("roomId", "room-" + (i / 4), "mic", true, "cam", i % 2 == 0));
            }
            Set<String> doomed = new HashSet<>();
            for (int i = 2; i < 60; i += 3) {
                doomed.add(peers.get(i).socketId());
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> RedisStats.keys(redis, PREFIX + ":socket:*:node").size() == 60);

            nodes.node(2).kill();
            long killedAt = System.nanoTime();

            for (int i = 0; i < 60; i++) {
                if (i % 3 == 2) {
                    continue;
                }
                TestClient survivor = peers.get(i);
                Set<String> expected = new HashSet<>();
                for (int j = (i / 4) * 4; j < (i / 4) * 4 + 4; j++) {
                    if (j % 3 == 2) {
                        expected.add(peers.get(j).socketId());
                    }
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                    assertThat(ids(survivor, "#rtcio:peer-left")).containsAll(expected);
                    assertThat(ids(survivor, "user-disconnected")).containsAll(expected);
                });
                assertThat(ids(survivor, "user-disconnected")).doesNotHaveDuplicates().allMatch(doomed::contains);
            }
            long evictedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("every survivor told within %d ms of kill -9%n", evictedAfterMs);
            assertThat(evictedAfterMs).as("ms from kill -9 until every survivor was told").isLessThanOrEqualTo(10_000);

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(RedisStats.keys(redis, PREFIX + ":node:{proc-3}*")).isEmpty();
                assertThat(Resp.call(redis.port(), "SISMEMBER", PREFIX + ":nodes", "proc-3")).isEqualTo(0L);
                for (String socket : doomed) {
                    assertThat(RedisStats.keys(redis, PREFIX + ":socket:" + socket + ":*")).isEmpty();
                }
                for (int room = 0; room < 15; room++) {
                    List<?> members = (List<?>) Resp.call(redis.port(), "HKEYS", PREFIX + ":room:{room-" + room + "}:members");
                    List<?> media = (List<?>) Resp.call(redis.port(), "HKEYS", PREFIX + ":room:{room-" + room + "}:media");
                    assertThat(members).noneMatch(doomed::contains).hasSize(members.size());
                    assertThat(media).noneMatch(doomed::contains);
                }
            });
            peers.forEach(TestClient::close);
        }
    }

    private static List<String> ids(TestClient peer, String event) {
        return peer.receivedSoFar(event).stream().map(r -> (String) r.payload().get("id")).toList();
    }
}
