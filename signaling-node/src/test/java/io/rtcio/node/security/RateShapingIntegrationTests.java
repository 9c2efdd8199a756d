package io.rtcio.node.security;

import static io.rtcio.node.harness.Maps.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.metrics.SignalingMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rate limit shapes signaling instead of losing it (real socket.io-client 4.8 peers): a
 * windowed sender over the rate gets every message through, in order, at the configured rate; an
 * 8-peer mesh joining at once with trickle ICE passes the defaults without a single event held.
 */
class RateShapingIntegrationTests {

    private static final String SDP = "v=0\r\n" + "a=candidate-and-codec-lines ".repeat(110);
    private static final String CANDIDATE = "candidate:842163049 1 udp 1677729535 192.0.2.10 53421 typ srflx raddr 10.0.0.2 "
            + "rport 53421 generation 0 ufrag EsAw network-cost 999 ".repeat(3);
    private static final int CANDIDATES_PER_SIDE = 15;

    private NodeCluster cluster;
    private TestClientFactory clients;
    private final List<TestClient> peers = new ArrayList<>();

    @AfterEach
    void stop() {
        peers.forEach(TestClient::close);
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestClient peer(int node) {
        TestClient peer = clients.connect(cluster.url(node), ClientOptions.of(ClientTransport.WEBSOCKET));
        peers.add(peer);
        return peer;
    }

    private double sum(ToDoubleFunction<SignalingMetrics> metric) {
        double total = 0;
        for (int i = 0; i < cluster.size(); i++) {
            total += metric.applyAsDouble(cluster.node(i).metrics());
        }
        return total;
    }

    @Test
    void shouldDeliverEveryRelayOfAWindowedSenderInOrderAtTheConfiguredRate() {
        cluster = NodeCluster.start(2, Map.of("RATE_LIMIT_EVENTS_PER_SEC", "50", "RATE_LIMIT_BURST", "20"));
        clients = TestClientFactory.node();
        String room = "room-" + UUID.randomUUID();
        TestClient sender = peer(0);
        TestClient target = peer(1);
        TestClient c = peer(0);
        TestClient d = peer(1);
        for (TestClient peer : List.of(sender, target, c, d)) {
            peer.emit("join-room", map("roomId", room, "name", "p"));
            peer.await("join-ok");
        }
        int total = 200;
        int window = 8;

        // 8 in flight, paced at 200/s while the window allows: four times the rate.
        long started = System.nanoTime();
        int sent = 0;
        long slowestOtherMs = 0;
        while (sent < total) {
            int inFlight = sent - target.receivedSoFar("#rtcio:message").size();
            if (inFlight < window) {
                sender.emit("#rtcio:message", map("target", target.socketId(), "data", map("seq", sent)));
                sent++;
                long due = started + sent * 5_000_000L;
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1)).until(() -> System.nanoTime() >= due);
            } else {
                int seen = sent - window;
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> target.receivedSoFar("#rtcio:message").size() > seen);
            }
            if (sent % 50 == 0) {
                // Another socket on the sender's node keeps its latency meanwhile.
                long before = System.nanoTime();
                c.emit("#rtcio:message", map("target", d.socketId(), "data", map("ping", sent)));
                int ping = sent;
                await().atMost(Duration.ofSeconds(2)).until(() -> d.receivedSoFar("#rtcio:message").stream()
                        .anyMatch(r -> map("ping", ping).equals(r.payload().get("data"))));
                slowestOtherMs = Math.max(slowestOtherMs, (System.nanoTime() - before) / 1_000_000);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> target.receivedSoFar("#rtcio:message").size() >= total);
        double seconds = (System.nanoTime() - started) / 1e9;

        List<Integer> order = target.receivedSoFar("#rtcio:message").stream()
                .map(r -> ((Number) ((Map<?, ?>) r.payload().get("data")).get("seq")).intValue()).toList();
        System.out.printf("[shaping] %d relays, window %d, offered at 200/s: delivered in %.2f s (%.1f/s after the burst),"
                + " slowest round trip of another socket %d ms%n", total, window, seconds, (total - 20) / seconds, slowestOtherMs);
        assertThat(order).as("every relay, once, in order").hasSize(total).isSorted().doesNotHaveDuplicates();
        assertThat(sender.receivedSoFar("error")).as("nothing refused").isEmpty();
        assertThat(seconds).as("180 events beyond the burst at 50/s").isGreaterThanOrEqualTo((total - 20) / 50.0 * 0.95);
        assertThat(sum(SignalingMetrics::rateLimitDelayedCount)).isGreaterThan(0);
    }

    @Test
    void shouldLetAnEightPeerMeshJoinAtOnceWithTrickleIceUnderTheDefaults() {
        cluster = NodeCluster.start(2, Map.of());
        clients = TestClientFactory.node();
        String room = "mesh-" + UUID.randomUUID();
        List<TestClient> mesh = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            mesh.add(peer(i % 2));
        }
        for (int i = 0; i < mesh.size(); i++) {
            mesh.get(i).emit("join-room", map("roomId", room, "name", "p" + i));
        }

        // Play rtc.io: whoever gets #rtcio:init-offer offers, the other answers; each side trickles 15 candidates.
        Map<TestClient, Integer> handledOffers = new HashMap<>();
        Map<TestClient, Integer> handledMessages = new HashMap<>();
        int expectedPerPeer = 7 * (1 + CANDIDATES_PER_SIDE);
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(30)).until(() -> {
            for (TestClient peer : mesh) {
                List<Received> offers = peer.receivedSoFar("#rtcio:init-offer");
                for (int i = handledOffers.getOrDefault(peer, 0); i < offers.size(); i++) {
                    String other = (String) offers.get(i).payload().get("source");
                    peer.emit("#rtcio:message", map("target", other, "data", map("type", "offer", "sdp", SDP)));
                    trickle(peer, other);
                }
                handledOffers.put(peer, offers.size());
                List<Received> messages = peer.receivedSoFar("#rtcio:message");
                for (int i = handledMessages.getOrDefault(peer, 0); i < messages.size(); i++) {
                    Map<?, ?> payload = messages.get(i).payload();
                    if (payload.get("data") instanceof Map<?, ?> data && "offer".equals(data.get("type"))) {
                        String other = (String) payload.get("source");
                        peer.emit("#rtcio:message", map("target", other, "data", map("type", "answer", "sdp", SDP)));
                        trickle(peer, other);
                    }
                }
                handledMessages.put(peer, messages.size());
            }
            return mesh.stream().allMatch(peer -> peer.receivedSoFar("#rtcio:message").size() >= expectedPerPeer);
        });

        for (TestClient peer : mesh) {
            Map<Object, Long> perSource = new HashMap<>();
            for (Received message : peer.receivedSoFar("#rtcio:message")) {
                perSource.merge(message.payload().get("source"), 1L, Long::sum);
            }
            assertThat(perSource).as("offer or answer and 15 candidates from each of 7 peers").hasSize(7)
                    .allSatisfy((source, count) -> assertThat(count).isEqualTo(1L + CANDIDATES_PER_SIDE));
            assertThat(peer.receivedSoFar("error")).isEmpty();
        }
        assertThat(sum(SignalingMetrics::rateLimitDelayedCount)).as("no event held").isZero();
    }

    private static void trickle(TestClient peer, String other) {
        for (int c = 0; c < CANDIDATES_PER_SIDE; c++) {
            peer.emit("#rtcio:message", map("target", other, "data", map("candidate", CANDIDATE, "sdpMid", "0",
                    "sdpMLineIndex", 0)));
        }
    }
}
