package io.rtcio.node.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.NodeProcess;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Start-up as an operator sees it with {@code LOG_FORMAT=json}: every line on stdout and stderr is
 * one JSON object with an RFC 3339 timestamp, the node id and a formatted message; a bad setting
 * is one error event naming it, no stack trace; Redis not up yet is retried while {@code /ready}
 * says 503, and the node becomes ready once Redis comes.
 */
class StartupLoggingIntegrationTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldLogABadSettingAsOneJsonEventAndExit() throws Exception {
        try (NodeProcess node = NodeProcess.startRaw(Map.of("PORT", "not-a-port", "NODE_ID", "bad-node",
                "LOG_FORMAT", "json"))) {
            assertThat(node.awaitExit()).isEqualTo(2);
            List<JsonNode> errors = parseAll(node.stderr(), "bad-node");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).path("level").asText()).isEqualTo("ERROR");
            assertThat(errors.get(0).path("message").asText())
                    .isEqualTo("invalid configuration: PORT: must be an integer, got 'not-a-port'");
            assertThat(errors.get(0).has("error")).as("no stack trace").isFalse();
            parseAll(node.stdout(), "bad-node");
        }
    }

    @Test
    void shouldWaitForRedisWhileNotReadyThenStart() throws Exception {
        RedisServer redis = REDIS.deployment();
        redis.kill();
        try (NodeProcess node = NodeProcess.start(Map.of("NODE_ID", "early-node", "LOG_FORMAT", "json",
                "REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", "early"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> node.status("/ready") == 503 && node.status("/health") == 200);
            assertThat(node.get("/metrics")).contains("signaling_cluster_up{node_id=\"early-node\"} 0");
            await().atMost(Duration.ofSeconds(20)).until(() -> node.stderr().stream()
                    .anyMatch(line -> line.contains("cluster state unreachable at start-up")));
            assertThat(node.isAlive()).isTrue();

            redis.restart();
            node.awaitReady();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.get("/metrics")
                    .contains("signaling_cluster_up{node_id=\"early-node\"} 1"));

            List<JsonNode> out = parseAll(node.stdout(), "early-node");
            assertThat(out).anySatisfy(line -> assertThat(line.path("message").asText())
                    .startsWith("node early-node listening on 127.0.0.1:"));
            assertThat(parseAll(node.stderr(), "early-node")).allSatisfy(line -> {
                assertThat(line.path("level").asText()).isEqualTo("WARN");
                assertThat(line.path("message").asText()).startsWith("cluster state unreachable at start-up, retrying in ");
            });
        }
    }

    /** Every line is a JSON object with an RFC 3339 timestamp, the node id and a formatted message. */
    private static List<JsonNode> parseAll(List<String> lines, String nodeId) throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertThat(json.isObject()).as(line).isTrue();
            OffsetDateTime.parse(json.path("timestamp").asText());
            assertThat(json.path("node").asText()).as(line).isEqualTo(nodeId);
            assertThat(json.path("message").asText()).as(line).doesNotContain("{}");
            parsed.add(json);
        }
        return parsed;
    }
}
