package io.rtcio.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeProcess;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 rooms of two members, each room spanning two of three node processes: every node's
 * series count stays under the bound docs/observability.md documents, does not grow with the
 * rooms beyond the top-K series, and the cluster-wide room and member counts add up to each room
 * and each member once.
 */
class CardinalityIntegrationTests {

    /** The documented bound: fixed series plus one per Netty event-loop thread plus the top K. */
    static final int FIXED_SERIES_BOUND = 600;
    private static final int ROOMS = 2_000;
    private static final int SOCKETS = 60;
    private static final int TOP_K = 10;

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldKeepEachNodesSeriesUnderTheBoundWithTwoThousandRooms() throws Exception {
        RedisServer redis = REDIS.deployment();
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", "card",
                "ROOM_METRICS_TOP_K", Integer.toString(TOP_K), "MAX_ROOMS_PER_SOCKET", "100",
                "RATE_LIMIT_EVENTS_PER_SEC", "5000", "RATE_LIMIT_BURST", "5000"));
             TestClientFactory clients = TestClientFactory.node()) {
            List<TestClient> sockets = new ArrayList<>();
            for (int i = 0; i < SOCKETS; i++) {
                sockets.add(clients.connect(nodes.url(i % 3), ClientOptions.of(ClientTransport.WEBSOCKET)));
            }
            join(sockets, 0, SOCKETS);
            long[] before = new long[3];
            for (int n = 0; n < 3; n++) {
                before[n] = series(nodes.node(n));
            }

            join(sockets, SOCKETS, ROOMS);

            // A loaded machine may miss a 2 s scrape deadline now and then; the counts are what is awaited.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).untilAsserted(() -> {
                assertThat(nodes.metric("signaling_cluster_rooms", "")).as("rooms, each counted once").isEqualTo(ROOMS);
                assertThat(nodes.metric("signaling_cluster_room_members", "")).isEqualTo(2.0 * ROOMS);
            });
            assertThat(nodes.metric("signaling_rooms_by_size", "size=\"2\"")).isEqualTo(ROOMS);
            for (int n = 0; n < 3; n++) {
                NodeProcess node = nodes.node(n);
                long started = System.nanoTime();
                String scrape = node.get("/metrics");
                System.out.printf("node %d: scrape took %d ms%n", n + 1, (System.nanoTime() - started) / 1_000_000);
                long series = series(node);
                long loops = scrape.lines().filter(line -> line.startsWith("netty_eventexecutor_tasks_pending{")).count();
                long bound = FIXED_SERIES_BOUND + loops + TOP_K;
                System.out.printf("node %d: %d series with %d rooms (%d before), bound %d%n", n + 1, series, ROOMS,
                        before[n], bound);
                assertThat(series).as("series of node %d", n + 1).isLessThanOrEqualTo(bound);
                assertThat(series - before[n]).as("growth with the rooms").isLessThanOrEqualTo(TOP_K + 1);
                assertThat(scrape).doesNotContain("secret-link-");

                JsonNode rooms = new ObjectMapper().readTree(node.get("/admin/rooms?limit=5"));
                assertThat(rooms.path("rooms").size()).isEqualTo(5);
                assertThat(rooms.path("truncated").asBoolean()).isTrue();
                assertThat(rooms.path("total").asInt()).isGreaterThan(ROOMS / 3);
                assertThat(rooms.toString()).doesNotContain("secret-link-");
            }
            sockets.forEach(TestClient::close);
        }
    }

    /** Room k gets sockets k and k + 1 (mod 60), which sit on different nodes. */
    private static void join(List<TestClient> sockets, int fromRoom, int toRoom) {
        int[] expected = new int[SOCKETS];
        for (int room = fromRoom; room < toRoom; room++) {
            for (int member : new int[] {room % SOCKETS, (room + 1) % SOCKETS}) {
                sockets.get(member).emit("join-room", Map.of("roomId", "secret-link-" + room, "name", "m" + member));
                expected[member]++;
            }
        }
        for (int i = 0; i < SOCKETS; i++) {
            for (int k = 0; k < expected[i]; k++) {
                sockets.get(i).await("join-ok", Duration.ofSeconds(30));
            }
        }
    }

    private static long series(NodeProcess node) {
        return node.get("/metrics").lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
    }
}
