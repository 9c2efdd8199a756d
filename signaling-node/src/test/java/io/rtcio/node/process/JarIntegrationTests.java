package io.rtcio.node.process;

import static io.rtcio.node.harness.Maps.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeProcess;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node as operators run it: {@code java -jar signaling-node.jar} with PORT, MANAGEMENT_PORT
 * and NODE_ID, driven by two npm socket.io-client 4.8 peers through a whole WebRTC negotiation.
 */
class JarIntegrationTests {

    private static TestClientFactory clients;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startClients() {
        clients = TestClientFactory.node();
    }

    @AfterAll
    static void stopClients() {
        clients.close();
    }

    @Test
    void shouldCarryAWholeNegotiationBetweenTwoPeers() throws Exception {
        try (NodeProcess node = NodeProcess.start(Map.of("NODE_ID", "jar-node", "LOG_FORMAT", "json")).awaitReady();
             TestClient alice = clients.connect(node.url(), ClientOptions.of(ClientTransport.POLLING_UPGRADE));
             TestClient bob = clients.connect(node.url(), ClientOptions.of(ClientTransport.WEBSOCKET))) {
            alice.emit("join-room", map("roomId", "call", "name", "alice"));
            alice.await("join-ok");
            bob.emit("join-room", map("roomId", "call", "name", "bob"));
            bob.await("join-ok");
            assertThat(bob.receivedSoFar("user-connected")).hasSize(1);

            // rtc.io: the existing member starts the offer when told a newcomer arrived.
            assertThat(alice.await("#rtcio:init-offer").payload()).containsEntry("source", bob.socketId());
            alice.emit("#rtcio:message", map("target", bob.socketId(), "data", map("type", "offer", "sdp", "v=0 offer")));
            alice.emit("#rtcio:message", map("target", bob.socketId(), "data", map("candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            assertThat(bob.await("#rtcio:message").payload()).containsEntry("source", alice.socketId())
                    .extractingByKey("data").isEqualTo(map("type", "offer", "sdp", "v=0 offer"));
            bob.emit("#rtcio:message", map("target", alice.socketId(), "data", map("type", "answer", "sdp", "v=0 answer")));
            bob.emit("#rtcio:message", map("target", alice.socketId(), "data", map("candidate", "candidate:2 1 udp 1 127.0.0.1 5001 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            bob.emit("#rtcio:message", map("target", alice.socketId(), "data", map("candidate", "")));
            assertThat(bob.await("#rtcio:message").payload().get("data")).isEqualTo(map("candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid", "0", "sdpMLineIndex", 0));
            assertThat(alice.await("#rtcio:message").payload().get("data")).isEqualTo(map("type", "answer", "sdp", "v=0 answer"));
            assertThat(alice.await("#rtcio:message").payload().get("data")).isEqualTo(map("candidate", "candidate:2 1 udp 1 127.0.0.1 5001 typ host", "sdpMid", "0", "sdpMLineIndex", 0));
            assertThat(alice.await("#rtcio:message").payload().get("data")).isEqualTo(map("candidate", ""));

            bob.emit("leave-room", map("roomId", "call"));
            assertThat(alice.await("user-disconnected").payload()).isEqualTo(map("id", bob.socketId()));

            assertThat(node.get("/metrics")).contains("signaling_relay_messages_total{node_id=\"jar-node\",result=\"delivered\"} 5.0");
            JsonNode connected = await().atMost(Duration.ofSeconds(5)).until(() -> logLine(node, "socket connected"), Optional::isPresent).get();
            assertThat(connected.path("mdc").path("node").asText()).isEqualTo("jar-node");
            assertThat(connected.path("mdc").path("socket").asText()).isIn(alice.socketId(), bob.socketId());
        }
    }

    private static Optional<JsonNode> logLine(NodeProcess node, String message) {
        for (String line : node.stdout()) {
            try {
                JsonNode json = JSON.readTree(line);
                if (message.equals(json.path("message").asText())) {
                    return Optional.of(json);
                }
            } catch (Exception e) {
                throw new AssertionError("LOG_FORMAT=json printed a line that is not JSON: " + line, e);
            }
        }
        return Optional.empty();
    }

    @Test
    void shouldRefuseToStartWithABadSettingAndNameIt() {
        try (NodeProcess node = NodeProcess.startRaw(Map.of("PORT", "not-a-port", "NODE_ID", "x"))) {
            assertThat(node.awaitExit()).isEqualTo(2);
            assertThat(String.join("\n", node.stderr())).contains("PORT: must be an integer, got 'not-a-port'");
        }
        try (NodeProcess node = NodeProcess.startRaw(Map.of("PORT", "3001", "MANAGEMENT_PORT", "3001"))) {
            assertThat(node.awaitExit()).isEqualTo(2);
            assertThat(String.join("\n", node.stderr())).contains("MANAGEMENT_PORT: must differ from PORT");
        }
    }

    @Test
    void shouldStopGracefullyOnSigterm() {
        NodeProcess node = NodeProcess.start(Map.of("NODE_ID", "term-node")).awaitReady();
        node.signalTerm();
        assertThat(node.awaitExit()).as("exit code after SIGTERM").isZero();
        assertThat(String.join("\n", node.stdout())).contains("node term-node stopped");
    }
}
