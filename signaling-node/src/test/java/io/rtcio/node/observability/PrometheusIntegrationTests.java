package io.rtcio.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on Redis, scraped every second by a real Prometheus that evaluates the
 * chart's alert rules (their {@code for:} shortened to 2 s, nothing else changed). Traffic: joins,
 * local and cross-node relays, a relay to an unknown target, a polling start that upgrades, a
 * refused origin. Then every panel query of every dashboard must return data; a Redis kill must
 * fire {@code RtcioRedisUnreachable} and count the lost relays as {@code cluster_unavailable};
 * a node kill must fire {@code RtcioNodeDown}. A live scrape passes {@code promtool check metrics}
 * but for the documented findings of Micrometer's own names.
 */
class PrometheusIntegrationTests {

    private static final String PREFIX = "prom";
    /**
     * What promtool 2.42 flags in Micrometer's standard names, left as they are because dashboards
     * and alerts everywhere use them (see docs/observability.md).
     */
    static final List<String> ACCEPTED_LINT = List.of(
            "process_cpu_time_ns_total metric names should not contain abbreviated units",
            "system_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix");

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @BeforeAll
    static void needsPrometheus() {
        assumeTrue(PrometheusServer.installed(),
                "prometheus/promtool are not installed (Debian package prometheus): live Prometheus test skipped");
    }

    @Test
    void shouldAnswerEveryDashboardQueryAndFireTheRedisAndNodeAlerts(@TempDir Path dir) throws Exception {
        RedisServer redis = REDIS.deployment();
        Files.writeString(dir.resolve("rules.yaml"),
                Files.readString(ChartFiles.rules()).replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 2s"));
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX,
                "ROOM_METRICS_TOP_K", "3", "ROOM_METRICS_KEY", "a-test-cluster-secret", "CLUSTER_HEARTBEAT_MS", "500",
                "CLUSTER_LEASE_MS", "2000"));
             TestClientFactory clients = TestClientFactory.node()) {
            List<PrometheusServer.Target> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                targets.add(new PrometheusServer.Target(URI.create(nodes.node(i).managementUrl()).getAuthority(),
                        "proc-" + (i + 1)));
            }
            try (PrometheusServer prometheus = PrometheusServer.start(dir, targets, List.of("rules.yaml"))) {
                List<TestClient> peers = traffic(nodes, clients);
                checkLiveScrape(nodes.node(0).get("/metrics"));

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(value(prometheus, "sum(up{job=\"rtcio\"})")).isEqualTo(3);
                    assertThat(value(prometheus, "sum(signaling_relay_delivered_total{path=\"remote\"})")).isPositive();
                    assertThat(value(prometheus, "sum(netty_eventexecutor_tasks_pending) >= 0")).isNotNegative();
                });
                assertThat(value(prometheus, "sum(signaling_cluster_rooms)")).as("rooms counted once").isEqualTo(2);
                assertThat(value(prometheus, "sum(signaling_cluster_room_members)")).isEqualTo(6);
                assertRulesHealthy(prometheus);

                List<String> empty = new ArrayList<>();
                List<ChartFiles.Query> queries = ChartFiles.dashboardQueries();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    empty.clear();
                    for (ChartFiles.Query query : queries) {
                        if (prometheus.query(ChartFiles.concrete(query.expr())).path("result").isEmpty()) {
                            empty.add(query.dashboard() + " / " + query.panel() + ": " + query.expr());
                        }
                    }
                    assertThat(empty).as("panel queries without data").isEmpty();
                });
                System.out.printf("%d dashboard queries answered with data%n", queries.size());

                redis.kill();
                TestClient ann = peers.get(0);
                TestClient ben = peers.get(1);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    ann.emit("#rtcio:message", Map.of("target", ben.socketId(), "data", "lost while Redis is down"));
                    assertThat(nodes.metric("signaling_relay_dropped_total", "reason=\"cluster_unavailable\""))
                            .isPositive();
                    assertThat(nodes.metric("signaling_cluster_publish_failures_total", "")).isPositive();
                    assertThat(firing(prometheus, "RtcioRedisUnreachable")).contains("proc-1", "proc-2", "proc-3");
                });
                System.out.println("RtcioRedisUnreachable fired for every node");
                redis.restart();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(firing(prometheus, "RtcioRedisUnreachable")).isEmpty());

                nodes.node(2).kill();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(firing(prometheus, "RtcioNodeDown")).containsExactly("proc-3"));
                System.out.println("RtcioNodeDown fired for the killed node");
                peers.forEach(TestClient::close);
            }
        }
    }

    /** Two rooms of three, spread over the nodes; every pair relays; plus the odd cases. */
    private static List<TestClient> traffic(ProcessCluster nodes, TestClientFactory clients) throws Exception {
        List<TestClient> peers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ClientTransport transport = i == 5 ? ClientTransport.POLLING_UPGRADE : ClientTransport.WEBSOCKET;
            TestClient peer = clients.connect(nodes.url(i % 3), ClientOptions.of(transport));
            peers.add(peer);
            peer.emit("join-room", Map.of("roomId", "room-" + (i / 3), "name", "p" + i));
            peer.await("join-ok");
        }
        peers.get(5).awaitTransport("websocket");
        for (int i = 0; i < 6; i++) {
            for (int j = (i / 3) * 3; j < (i / 3) * 3 + 3; j++) {
                if (i != j) {
                    peers.get(i).emit("#rtcio:message", Map.of("target", peers.get(j).socketId(), "data", "hi"));
                }
            }
        }
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < 2; k++) {
                peers.get(i).await("#rtcio:message");
            }
        }
        peers.get(0).emit("#rtcio:message", Map.of("target", "no-such-socket", "data", "x"));
        peers.get(0).emit("join-room", Map.of("roomId", "", "name", "x"));
        HttpResponse<Void> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(nodes.url(1) + "/socket.io/?EIO=4&transport=polling"))
                .header("Origin", "https://elsewhere.example").timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(refused.statusCode()).isEqualTo(403);
        return peers;
    }

    private static void checkLiveScrape(String scrape) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> findings = out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        assertThat(findings).as("promtool check metrics findings").isSubsetOf(ACCEPTED_LINT);
        assertThat(scrape).contains("signaling_relay_duration_seconds_bucket", "rtcio_build_info{");
    }

    private static void assertRulesHealthy(PrometheusServer prometheus) {
        int rules = 0;
        for (JsonNode group : prometheus.rules()) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                assertThat(rule.path("health").asText()).as(rule.path("name").asText() + ": " + rule.path("lastError"))
                        .isIn("ok", "unknown");
            }
        }
        assertThat(rules).isGreaterThanOrEqualTo(10);
    }

    private static double value(PrometheusServer prometheus, String promql) {
        JsonNode result = prometheus.query(promql).path("result");
        assertThat(result).as(promql).isNotEmpty();
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static List<String> firing(PrometheusServer prometheus, String alert) {
        List<String> pods = new ArrayList<>();
        for (JsonNode firing : prometheus.alerts()) {
            if (alert.equals(firing.path("labels").path("alertname").asText())
                    && "firing".equals(firing.path("state").asText())) {
                pods.add(firing.path("labels").path("pod").asText());
            }
        }
        return pods.stream().sorted().toList();
    }
}
