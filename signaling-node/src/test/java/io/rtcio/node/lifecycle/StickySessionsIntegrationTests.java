package io.rtcio.node.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.Fleet;
import io.rtcio.node.harness.HaproxyProcess;
import io.rtcio.node.harness.ProcessCluster;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three node processes on Redis behind a local haproxy configured as the chart's ingress, and npm
 * socket.io-client with its default transports (long-polling first, then the upgrade): with
 * cookie affinity every client connects, upgrades to WebSocket, joins its room and relays to a
 * room-mate on another node. Without the cookie (plain round-robin) the
 * polling requests of one session land on different nodes and the clients cannot even connect.
 */
class StickySessionsIntegrationTests {

    private static final String PREFIX = "sticky";
    private static final int CLIENTS = 30;

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @BeforeAll
    static void needsHaproxy() {
        Assumptions.assumeTrue(HaproxyProcess.binary() != null,
                "haproxy is not installed (Debian package haproxy): the stickiness test needs a real load balancer");
    }

    private static ProcessCluster nodes() {
        return ProcessCluster.start(3, Map.of("REDIS_URL", REDIS.deployment().url(), "REDIS_KEY_PREFIX", PREFIX));
    }

    private static List<String> urls(ProcessCluster nodes) {
        return List.of(nodes.url(0), nodes.url(1), nodes.url(2));
    }

    @Test
    void withCookieAffinityEveryClientUpgradesJoinsAndRelaysAcrossNodes() {
        try (ProcessCluster nodes = nodes();
             HaproxyProcess proxy = HaproxyProcess.start(urls(nodes), true);
             Fleet fleet = Fleet.start()) {
            for (int i = 0; i < CLIENTS; i++) {
                fleet.connect("c" + i, List.of(proxy.url()), Fleet.options("withCredentials", true, "reconnection", false),
                        null, 100);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fleet.report().values())
                    .as("clients connected through the sticky proxy").hasSize(CLIENTS)
                    .allMatch(client -> client.path("connected").asBoolean()));
            // Which node the proxy chose for each client, from the shared state; then rooms of two
            // clients of different nodes (a client sorted by node is paired with the one half a list away).
            Map<String, String> nodeOf = new HashMap<>();
            fleet.report().forEach((client, state) -> nodeOf.put(client, (String) Resp.call(REDIS.deployment().port(),
                    "GET", PREFIX + ":socket:" + state.path("connects").get(0).path("id").asText() + ":node")));
            List<String> byNode = nodeOf.keySet().stream().sorted(Comparator.comparing(nodeOf::get)).toList();
            Map<String, String> partner = new HashMap<>();
            for (int i = 0; i < CLIENTS / 2; i++) {
                String room = "room-" + i;
                fleet.join(byNode.get(i), room);
                fleet.join(byNode.get(i + CLIENTS / 2), room);
                partner.put(byNode.get(i), byNode.get(i + CLIENTS / 2));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(fleet.joins()).as("clients joined through the sticky proxy").hasSize(CLIENTS));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (JsonNode client : fleet.report().values()) {
                    assertThat(client.path("transport").asText()).as(client.path("client").asText()).isEqualTo("websocket");
                    assertThat(client.path("upgrades").toString()).contains("websocket");
                    assertThat(client.path("received").asInt()).as("relays to " + client.path("client").asText()).isPositive();
                }
            });
            Map<String, JsonNode> report = fleet.report();
            Map<String, Integer> perNode = new TreeMap<>();
            nodeOf.values().forEach(node -> perNode.merge(String.valueOf(node), 1, Integer::sum));
            long crossNodeRooms = partner.entrySet().stream()
                    .filter(pair -> !nodeOf.get(pair.getKey()).equals(nodeOf.get(pair.getValue()))).count();
            System.out.printf("cookie affinity: %d/%d clients joined and upgraded to websocket; sockets per node %s;"
                    + " %d of %d rooms span two nodes, every client received relays%n",
                    fleet.joins().size(), CLIENTS, perNode, crossNodeRooms, CLIENTS / 2);
            assertThat(perNode).as("sockets per node").hasSize(3).doesNotContainKey("null");
            assertThat(crossNodeRooms).as("rooms whose two members are on different nodes").isEqualTo(CLIENTS / 2);
            assertThat(report.values()).allMatch(client -> client.path("connectErrors").isEmpty()
                    && client.path("disconnects").isEmpty());
        }
    }

    @Test
    void withoutAffinityRoundRobinBreaksPollingSessions() {
        try (ProcessCluster nodes = nodes();
             HaproxyProcess proxy = HaproxyProcess.start(urls(nodes), false);
             Fleet fleet = Fleet.start()) {
            for (int i = 0; i < CLIENTS; i++) {
                fleet.connect("c" + i, List.of(proxy.url()), Fleet.options("withCredentials", true, "reconnection", false),
                        "room-" + i / 2, 0);
            }
            // Every client ends one way or the other: joined, or refused by a node that does not know its session.
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.report().values().stream().allMatch(client ->
                    fleet.joins().containsKey(client.path("client").asText())
                            || !client.path("connectErrors").isEmpty() || !client.path("disconnects").isEmpty()));
            Map<String, Integer> failures = new TreeMap<>();
            fleet.report().values().forEach(client -> {
                client.path("connectErrors").forEach(e -> failures.merge(e.path("error").asText(), 1, Integer::sum));
                client.path("disconnects").forEach(d -> failures.merge("disconnect: " + d.path("reason").asText(), 1, Integer::sum));
            });
            System.out.printf("round-robin without affinity: %d/%d clients joined; failures %s%n",
                    fleet.joins().size(), CLIENTS, failures);
            assertThat(fleet.joins().size()).as("clients that joined without affinity").isLessThan(CLIENTS / 2);
            assertThat(failures).isNotEmpty();
        }
    }
}
