package io.rtcio.node.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.Fleet;
import io.rtcio.node.harness.NodeProcess;
import io.rtcio.node.harness.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM to one of two node processes on Redis while 20 rooms span both and relay both ways
 * (npm socket.io-client; a third of the clients on WebSocket, a third upgrading from polling, a
 * third on polling only): {@code /ready} turns 503 at once, new handshakes keep succeeding
 * during the readiness delay (none refused), then every client of the node is disconnected with
 * {@code transport error} on a WebSocket (the node asked it to close its transport itself) or
 * {@code transport close} on polling, never {@code io server disconnect}, and reconnects by itself to the
 * other node, where it joins again and relays resume; the process exits 0 and its lease is gone
 * from Redis when it exits, a minute before a survivor would have reaped it. Behind a load
 * balancer that follows {@code /ready} (haproxy, skipped where it is not installed) the same stop
 * costs the clients no connection error at all.
 *
 * <p>Connection-state recovery is off here ({@code RECOVERY_WINDOW_MS=0}): these are the drain's
 * own mechanics, new sessions and departures included. With recovery on, the drained clients keep
 * their sessions instead ({@code recovery.RollingRestartIntegrationTests}).
 */
class GracefulStopIntegrationTests {

    private static final String PREFIX = "lifecycle";
    private static final int PAIRS = 20;
    /**
     * What a drained client reports (reason/transport), both followed by its own reconnection: a
     * WebSocket client closes its transport on the node's request as a transport error, a polling
     * client acts on the Engine.IO CLOSE packet.
     */
    private static final List<String> RECONNECTING_REASONS = List.of("transport error/websocket", "transport close/polling");
    private static final Duration READY_DELAY = Duration.ofSeconds(4);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void aDrainedNodeKeepsServingThroughTheDelayThenItsClientsReconnectToTheOtherNode() throws Exception {
        RedisServer redis = REDIS.deployment();
        try (ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX,
                "SHUTDOWN_READY_DELAY_MS", Long.toString(READY_DELAY.toMillis()), "SHUTDOWN_DRAIN_MS", "4000",
                "CLUSTER_LEASE_MS", "60000",
                // The drain as such, clients coming back as new sessions; with recovery they keep their id.
                "RECOVERY_WINDOW_MS", "0"));
             Fleet fleet = Fleet.start()) {
            NodeProcess a = nodes.node(0);
            NodeProcess b = nodes.node(1);
            for (int i = 0; i < PAIRS; i++) {
                Map<String, Object> transports = switch (i % 3) {
                    case 0 -> Map.of("transports", List.of("websocket"));
                    case 1 -> Map.of();
                    default -> Map.of("transports", List.of("polling"));
                };
                Map<String, Object> reconnecting = new java.util.HashMap<>(transports);
                reconnecting.putAll(Map.of("reconnectionDelay", 200, "reconnectionDelayMax", 1000));
                fleet.connect("a" + i, List.of(a.url(), b.url()), reconnecting, "room-" + i, 100);
                fleet.connect("b" + i, List.of(b.url()), Fleet.options("transports", List.of("websocket"),
                        "reconnection", false), "room-" + i, 100);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.joins().size() == 2 * PAIRS);
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.report().values().stream()
                    .allMatch(c -> c.path("received").asInt() > 0));
            Map<String, JsonNode> before = fleet.report();

            a.signalTerm();
            long termAt = System.nanoTime();
            // Well before the delay ends (the machine may be loaded, so no tighter bound).
            await().atMost(READY_DELAY).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> a.status("/ready") == 503);
            long notReadyAfterMs = (System.nanoTime() - termAt) / 1_000_000;

            // New handshakes during the first half of the delay: socket.io-client (5 at a time,
            // WebSocket and polling) and bare Engine.IO.
            List<JsonNode> probes = new ArrayList<>();
            List<String> handshakes = new ArrayList<>();
            int n = 0;
            while (System.nanoTime() - termAt < READY_DELAY.toNanos() / 2 || n < 10) {
                for (int k = 0; k < 5; k++, n++) {
                    fleet.probe("probe" + n, a.url(), n % 2 == 0 ? Map.of("transports", List.of("websocket")) : Map.of());
                }
                handshakes.add(engineHandshake(a));
                for (int k = 0; k < 5; k++) {
                    probes.add(fleet.awaitProbe(Duration.ofSeconds(10)));
                }
            }
            System.out.printf("/ready 503 %d ms after SIGTERM; during the readiness delay: %d socket.io connects and %d"
                    + " Engine.IO handshakes to the stopping node%n", notReadyAfterMs, probes.size(), handshakes.size());
            assertThat(probes).as("socket.io-client connects to the stopping node during the delay")
                    .allMatch(p -> p.path("ok").asBoolean());
            assertThat(handshakes).as("Engine.IO handshakes during the delay").allMatch(h -> h.startsWith("200 0{"));

            assertThat(a.awaitExit()).as("exit code after SIGTERM").isZero();
            long exitedAfterMs = (System.nanoTime() - termAt) / 1_000_000;
            assertThat(Resp.call(redis.port(), "SISMEMBER", PREFIX + ":nodes", "proc-1")).as("node in the node set").isEqualTo(0L);
            assertThat((List<?>) Resp.call(redis.port(), "KEYS", PREFIX + ":node:{proc-1}*")).as("lease and socket set").isEmpty();
            System.out.printf("SIGTERM to exit 0: %d ms (delay %d ms, drain 4000 ms)%n", exitedAfterMs, READY_DELAY.toMillis());

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, JsonNode> now = fleet.report();
                for (int i = 0; i < PAIRS; i++) {
                    JsonNode moved = now.get("a" + i);
                    JsonNode stayed = now.get("b" + i);
                    String oldId = before.get("a" + i).path("connects").get(0).path("id").asText();
                    String newId = fleet.joins().get("a" + i).path("id").asText();
                    assertThat(fleet.joins().get("a" + i).path("url").asText()).as("a%d joined again on the other node", i)
                            .isEqualTo(b.url());
                    assertThat(moved.path("connected").asBoolean()).isTrue();
                    assertThat(moved.path("receivedSinceConnect").asInt()).as("relays to a%d after it moved", i).isPositive();
                    assertThat(stayed.path("departed").toString()).as("b%d told that a%d left", i, i).contains(oldId);
                    assertThat(stayed.path("introduced").toString()).as("b%d introduced to a%d again", i, i).contains(newId);
                }
            });
            Map<String, JsonNode> after = fleet.report();
            List<String> reasons = new ArrayList<>();
            List<Long> firstDisconnects = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                JsonNode moved = after.get("a" + i);
                firstDisconnects.add(moved.path("disconnects").get(0).path("at").asLong());
                moved.path("disconnects").forEach(d -> reasons.add(d.path("reason").asText() + "/" + d.path("transport").asText()));
                assertThat(moved.path("connectErrors").toString()).as("a%d connect errors", i).doesNotContain("ECONNREFUSED");
                JsonNode stayed = after.get("b" + i);
                assertThat(stayed.path("received").asInt()).as("relays to b%d kept coming", i)
                        .isGreaterThan(before.get("b" + i).path("received").asInt());
                assertThat(stayed.path("disconnects")).as("b%d stayed connected", i).isEmpty();
            }
            long spreadMs = java.util.Collections.max(firstDisconnects) - java.util.Collections.min(firstDisconnects);
            System.out.println("disconnect reasons of the drained clients: " + reasons);
            System.out.printf("the %d clients of the stopping node were disconnected over %d ms (drain window 4000 ms)%n",
                    PAIRS, spreadMs);
            assertThat(spreadMs).as("ms between the first and the last wave").isGreaterThanOrEqualTo(1000);
            assertThat(reasons).hasSizeGreaterThanOrEqualTo(PAIRS).isSubsetOf(RECONNECTING_REASONS);
            assertThat(b.stdout()).noneMatch(line -> line.contains("proc-1 is dead"));
        }
    }

    /**
     * The same stop behind a load balancer that follows {@code /ready} (haproxy, checking every
     * 200 ms, cookie affinity as the chart's ingress, default client transports): the balancer
     * takes the node out during the delay, the drained clients come back through it to the other
     * node, and no client sees any connection error at all.
     */
    @Test
    void behindABalancerThatFollowsReadinessNoClientSeesAnError() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.rtcio.node.harness.HaproxyProcess.binary() != null,
                "haproxy is not installed (Debian package haproxy): this test needs a real load balancer");
        RedisServer redis = REDIS.deployment();
        try (ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX + "-lb",
                "SHUTDOWN_READY_DELAY_MS", Long.toString(READY_DELAY.toMillis()), "SHUTDOWN_DRAIN_MS", "4000",
                "CLUSTER_LEASE_MS", "60000",
                // The drain as such, clients coming back as new sessions; with recovery they keep their id.
                "RECOVERY_WINDOW_MS", "0"));
             io.rtcio.node.harness.HaproxyProcess proxy = io.rtcio.node.harness.HaproxyProcess.start(
                     List.of(nodes.url(0), nodes.url(1)),
                     List.of(nodes.node(0).managementUrl(), nodes.node(1).managementUrl()), true);
             Fleet fleet = Fleet.start()) {
            NodeProcess a = nodes.node(0);
            for (int i = 0; i < 2 * PAIRS; i++) {
                fleet.connect("c" + i, List.of(proxy.url()), Fleet.options("withCredentials", true,
                        "reconnectionDelay", 200, "reconnectionDelayMax", 1000), "room-" + i / 2, 100);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.joins().size() == 2 * PAIRS);
            Map<String, String> firstId = new java.util.HashMap<>();
            fleet.joins().forEach((client, join) -> firstId.put(client, join.path("id").asText()));
            List<String> onA = firstId.entrySet().stream().filter(e -> "proc-1".equals(
                    Resp.call(redis.port(), "GET", PREFIX + "-lb:socket:" + e.getValue() + ":node"))).map(Map.Entry::getKey).toList();
            assertThat(onA).as("clients the balancer put on the node to stop").isNotEmpty();

            a.signalTerm();
            assertThat(a.awaitExit()).as("exit code after SIGTERM").isZero();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, JsonNode> now = fleet.report();
                for (String client : onA) {
                    String id = fleet.joins().get(client).path("id").asText();
                    assertThat(id).as("%s has a new session", client).isNotEqualTo(firstId.get(client));
                    assertThat(Resp.call(redis.port(), "GET", PREFIX + "-lb:socket:" + id + ":node")).isEqualTo("proc-2");
                    assertThat(now.get(client).path("receivedSinceConnect").asInt()).as("relays to " + client).isPositive();
                }
            });
            Map<String, JsonNode> report = fleet.report();
            List<String> reasons = new ArrayList<>();
            for (JsonNode client : report.values()) {
                assertThat(client.path("connectErrors")).as("connect errors of %s", client.path("client").asText()).isEmpty();
                client.path("disconnects").forEach(d -> reasons.add(d.path("reason").asText() + "/" + d.path("transport").asText()));
            }
            System.out.printf("behind haproxy following /ready: %d of %d clients were on the stopped node, all back on the"
                    + " other one; disconnect reasons %s; 0 connect errors%n", onA.size(), 2 * PAIRS, reasons);
            assertThat(reasons).hasSize(onA.size()).isSubsetOf(RECONNECTING_REASONS);
        }
    }

    /** A bare Engine.IO polling handshake: "status body", or the exception when the connection failed. */
    private static String engineHandshake(NodeProcess node) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + "/socket.io/?EIO=4&transport=polling"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
