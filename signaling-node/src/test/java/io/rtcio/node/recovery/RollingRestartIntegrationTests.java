package io.rtcio.node.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.Fleet;
import io.rtcio.node.harness.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart of three node processes on Redis under a running load of calls: for each
 * node in turn a replacement is started on a fresh port, the clients' reconnection list is
 * pointed at the nodes in service, and the node gets SIGTERM (readiness delay, then its
 * transports closed in waves over the drain). Each room has two npm socket.io-client 4.8 members
 * on different nodes that relay numbered messages to each other all along (half on WebSocket
 * only, half upgrading from polling). Every drained client recovers its session on another node:
 * it keeps its id through all three restarts, its room-mate is never told it left nor introduced
 * to it again, no relay is lost or duplicated (sequence numbers per sender, up to the last one;
 * one overtaken by a later relay during a move, a known limit, is counted apart, not as lost),
 * and at the end each room in Redis and each client's roster hold exactly the two members.
 */
class RollingRestartIntegrationTests {

    private static final String PREFIX = "rolling";
    private static final int PAIRS = 12;
    private static final int GRACE_MS = 5_000;
    /** Longer than the departure grace: a departure that was going to be announced has been by then. */
    private static final Duration QUIET = Duration.ofMillis(GRACE_MS + 1_500);

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void everyClientKeepsItsSessionAndNoRelayIsLostThroughARollingRestart() throws Exception {
        RedisServer redis = REDIS.deployment();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "REDIS_KEY_PREFIX", PREFIX,
                "SHUTDOWN_READY_DELAY_MS", "1000", "SHUTDOWN_DRAIN_MS", "1500",
                "DEPARTURE_GRACE_MS", String.valueOf(GRACE_MS), "RECOVERY_WINDOW_MS", "30000",
                "CLUSTER_HEARTBEAT_MS", "1000", "CLUSTER_LEASE_MS", "10000");
        List<NodeProcess> started = new ArrayList<>();
        try (Fleet fleet = Fleet.start()) {
            List<NodeProcess> live = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                live.add(start(env, "proc-" + i, started));
            }
            live.forEach(NodeProcess::awaitReady);
            for (int p = 0; p < PAIRS; p++) {
                Map<String, Object> options = new HashMap<>(Map.of("reconnectionDelay", 100, "reconnectionDelayMax", 500));
                if (p % 2 == 0) {
                    options.put("transports", List.of("websocket"));
                }
                fleet.connect("a" + p, rotated(live, p), options, "room-" + p, 100);
                fleet.connect("b" + p, rotated(live, p + 1), options, "room-" + p, 100);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fleet.joins()).as("clients joined")
                    .hasSize(2 * PAIRS));
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.report().values().stream()
                    .allMatch(c -> c.path("received").asInt() > 0));
            Map<String, String> ids = new HashMap<>();
            fleet.joins().forEach((client, join) -> ids.put(client, join.path("id").asText()));

            long rollStart = System.nanoTime();
            for (int round = 0; round < 3; round++) {
                NodeProcess old = live.remove(0);
                NodeProcess replacement = start(env, "proc-" + (4 + round), started).awaitReady();
                live.add(replacement);
                fleet.urls(urls(live));
                int relaysBefore = totalReceived(fleet.report());
                old.signalTerm();
                assertThat(old.awaitExit()).as("exit code of the node stopped in round %d", round + 1).isZero();
                Set<String> liveUrls = new HashSet<>(urls(live));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<String, JsonNode> now = fleet.report();
                    for (JsonNode client : now.values()) {
                        JsonNode connects = client.path("connects");
                        assertThat(client.path("connected").asBoolean()).as("%s connected", client.path("client")).isTrue();
                        assertThat(liveUrls).as("node of %s", client.path("client"))
                                .contains(connects.get(connects.size() - 1).path("url").asText());
                    }
                    assertThat(totalReceived(now)).as("relays flow again").isGreaterThan(relaysBefore);
                });
            }
            long rollMs = (System.nanoTime() - rollStart) / 1_000_000;

            fleet.quiet();
            // Every relay sent arrives, up to each sender's last one.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, JsonNode> now = fleet.report();
                for (int p = 0; p < PAIRS; p++) {
                    assertDelivered(now, "a" + p, "b" + p, ids);
                    assertDelivered(now, "b" + p, "a" + p, ids);
                }
            });
            // Past the departure grace of the last drain: nobody was told anyone left.
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> fleet.report().values().stream()
                    .allMatch(c -> c.path("departed").isEmpty()));

            Map<String, JsonNode> end = fleet.report();
            int drops = 0;
            int sent = 0;
            int lost = 0;
            int reordered = 0;
            for (JsonNode client : end.values()) {
                lost += client.path("lost").asInt();
                reordered += client.path("reordered").asInt();
            }
            System.out.printf("rolling restart: relays lost %d (by client: %s)%n", lost, end.values().stream()
                    .filter(c -> c.path("lost").asInt() > 0).map(c -> c.path("client").asText() + "=" + c.path("lost")
                            + " " + brief(c)).toList());
            end.values().forEach(c -> c.path("gaps").forEach(gap ->
                    System.out.printf("relay to %s overtaken or lost: %s%n", c.path("client").asText(), gap)));
            Map<String, Integer> reasons = new java.util.TreeMap<>();
            end.values().forEach(c -> c.path("disconnects").forEach(d -> reasons.merge(d.path("reason").asText(), 1, Integer::sum)));
            for (int p = 0; p < PAIRS; p++) {
                for (String[] pair : new String[][] {{"a" + p, "b" + p}, {"b" + p, "a" + p}}) {
                    JsonNode client = end.get(pair[0]);
                    String id = ids.get(pair[0]);
                    String peerId = ids.get(pair[1]);
                    JsonNode connects = client.path("connects");
                    drops += connects.size() - 1;
                    sent += client.path("sent").asInt();
                    for (int c = 0; c < connects.size(); c++) {
                        assertThat(connects.get(c).path("id").asText()).as("id of %s at connect %d", pair[0], c).isEqualTo(id);
                        assertThat(connects.get(c).path("recovered").asBoolean()).as("%s connect %d recovered", pair[0], c)
                                .isEqualTo(c > 0);
                    }
                    List<String> introduced = new ArrayList<>();
                    client.path("introduced").forEach(i -> introduced.add(i.asText()));
                    assertThat(introduced).as("introductions to %s", pair[0]).doesNotHaveDuplicates().containsOnly(peerId);
                    assertThat(client.path("departed")).as("departures told to %s", pair[0]).isEmpty();
                    assertThat(client.path("lost").asInt()).as("relays to %s lost", pair[0]).isZero();
                    assertThat(client.path("duplicated").asInt()).as("relays to %s duplicated", pair[0]).isZero();
                    assertThat(Resp.call(redis.port(), "GET", PREFIX + ":socket:" + id + ":node"))
                            .as("node of %s in the directory", pair[0]).isIn("proc-4", "proc-5", "proc-6");
                }
                List<String> members = new ArrayList<>();
                ((List<?>) Resp.call(redis.port(), "HKEYS", PREFIX + ":room:{room-" + p + "}:members"))
                        .forEach(member -> members.add(String.valueOf(member)));
                assertThat(members).as("members of room-%d in Redis", p)
                        .containsExactlyInAnyOrder(ids.get("a" + p), ids.get("b" + p));
            }
            assertThat(drops).as("recoveries (each client dropped by every drain of its node)").isGreaterThanOrEqualTo(2 * PAIRS);
            System.out.printf("rolling restart of 3 nodes in %d ms: %d clients, %d drops all recovered with the same id,"
                    + " 0 departures, 0 duplicate introductions, %d relays sent, 0 lost, 0 duplicated, %d overtaken by a later"
                    + " one, 0 ghosts; disconnect reasons %s%n", rollMs, 2 * PAIRS, drops, sent, reordered, reasons);
        } finally {
            started.forEach(NodeProcess::close);
        }
    }

    private static NodeProcess start(Map<String, String> env, String nodeId, List<NodeProcess> started) {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("NODE_ID", nodeId);
        NodeProcess node = NodeProcess.start(vars);
        started.add(node);
        return node;
    }

    /** The urls of {@code nodes}, starting with node {@code first} (mod size). */
    private static List<String> rotated(List<NodeProcess> nodes, int first) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            urls.add(nodes.get((first + i) % nodes.size()).url());
        }
        return urls;
    }

    private static List<String> urls(List<NodeProcess> nodes) {
        return nodes.stream().map(NodeProcess::url).toList();
    }

    private static int totalReceived(Map<String, JsonNode> report) {
        return report.values().stream().mapToInt(c -> c.path("received").asInt()).sum();
    }

    /** {@code receiver} got every relay {@code sender} sent, the last one included. */
    private static void assertDelivered(Map<String, JsonNode> report, String sender, String receiver, Map<String, String> ids) {
        int sent = report.get(sender).path("sent").asInt();
        assertThat(sent).as("relays %s sent", sender).isPositive();
        assertThat(report.get(receiver).path("lastSeq").path(ids.get(sender)).asInt(-1))
                .as("last relay from %s seen by %s; sender %s; receiver %s", sender, receiver,
                        brief(report.get(sender)), brief(report.get(receiver)))
                .isEqualTo(sent - 1);
    }

    private static String brief(JsonNode client) {
        return "connects=" + client.path("connects") + " sent=" + client.path("sent") + " lost=" + client.path("lost")
                + " lastSeq=" + client.path("lastSeq") + " disconnects=" + client.path("disconnects");
    }
}
