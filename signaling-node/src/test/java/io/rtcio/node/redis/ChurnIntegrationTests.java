package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ChurnRun;
import io.rtcio.node.harness.NodeProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hundreds of sessions join and leave 25 small rooms across node processes on one Redis, while a
 * third node starts, the first nodes go through their first maintenance rounds, and Redis is
 * restarted empty in the middle of the run. The checker in churn.mjs counts, over every pair of
 * sessions that shared a room: ghosts (introduced, never told of the departure), duplicate
 * departures and introductions, missing introductions, introductions to sockets that had already
 * left, departures never introduced and introductions of sockets that never joined. All must be 0.
 */
class ChurnIntegrationTests {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldKeepMembershipExactUnderChurnWhileNodesStartAndRedisRestarts() {
        RedisServer redis = REDIS.deployment();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", "churn", "MAX_PEERS", "4");
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            nodes.add(node(env, 1));
            nodes.add(node(env, 2));
            nodes.forEach(NodeProcess::awaitReady);
            Map<String, Object> options = new HashMap<>();
            options.put("urls", List.of(nodes.get(0).url(), nodes.get(1).url()));
            options.put("durationMs", 30_000);
            options.put("sessionsPerSecond", 15);
            options.put("phases", Map.of("start-node", 1_000, "redis-down", 13_000, "redis-up", 15_000));
            try (ChurnRun run = ChurnRun.start(options)) {
                JsonNode result = run.awaitResult(phase -> {
                    switch (phase) {
                        case "start-node" -> {
                            NodeProcess third = node(env, 3).awaitReady();
                            nodes.add(third);
                            run.addUrl(third.url());
                        }
                        case "redis-down" -> redis.kill();
                        case "redis-up" -> redis.restart();
                        default -> throw new AssertionError("unknown phase " + phase);
                    }
                }, 120);
                System.out.println("churn checker: " + result);
                assertThat(result.get("joined").asInt()).as("sessions that joined").isGreaterThan(200);
                assertThat(result.get("violations").toString()).as("violations, examples: %s", result.get("examples"))
                        .isEqualTo("{\"missingDepartures\":0,\"duplicateDepartures\":0,\"missingIntroductions\":0,"
                                + "\"duplicateIntroductions\":0,\"introducedAfterLeft\":0,"
                                + "\"departuresWithoutIntroduction\":0,\"phantoms\":0}");
            }
            assertThat(nodes).allMatch(NodeProcess::isAlive);
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }

    private static NodeProcess node(Map<String, String> env, int index) {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("NODE_ID", "churn-" + index);
        return NodeProcess.start(vars);
    }
}
