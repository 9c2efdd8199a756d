package io.rtcio.node.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.memory.InMemoryHub;
import io.rtcio.node.SignalingNode;
import io.rtcio.node.auth.AuthenticationException;
import io.rtcio.node.auth.Authenticator;
import io.rtcio.node.auth.Identity;
import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.FreePorts;
import io.rtcio.node.harness.LogCapture;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.room.RoomAccessPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node embedded as a library, as the README shows it: a custom authenticator, a custom room
 * policy, a {@code report} event answered through the ack, an event tap (next to one that always
 * throws), and extra namespaces ({@code /calls} with the rtc.io protocol, {@code /admin} without),
 * reached by real socket.io-client 4.8 peers with {@code io(url + '/calls')}.
 */
class ExtensionApiIntegrationTests {

    private static final InMemoryHub HUB = new InMemoryHub();
    private static final BlockingQueue<TappedEvent> TAPPED = new LinkedBlockingQueue<>();

    private static ClusterBackend backend;
    private static SignalingNode node;
    /** The tap that always throws is logged; taken here so a passing run does not print it. */
    private static LogCapture tapFailures;
    private static TestClientFactory clients;
    private static String url;

    /** Admits tokens "let-me-in:&lt;user&gt;" as that user; anything else is refused. */
    private static final Authenticator TICKETS = request -> {
        String token = request.token();
        if (token == null) {
            throw AuthenticationException.missingToken();
        }
        if (!token.startsWith("let-me-in:")) {
            throw AuthenticationException.invalidToken();
        }
        String user = token.substring("let-me-in:".length());
        return new Identity(user, user, Map.of("team", user.startsWith("a") ? "red" : "blue"));
    };

    /** A user may only enter the rooms of its team. */
    private static final RoomAccessPolicy TEAMS = (socket, roomId) ->
            roomId.startsWith(socket.identity().claims().get("team") + "-");

    @BeforeAll
    static void start() {
        tapFailures = LogCapture.of("io.rtcio.node.transport.EdgeTaps");
        NodeConfig config = ConfigLoader.from(Map.of("NODE_ID", "embedded", "BIND_ADDRESS", "127.0.0.1",
                "PORT", Integer.toString(FreePorts.next()), "MANAGEMENT_PORT", Integer.toString(FreePorts.next()),
                "NAMESPACES", "/calls:rtcio,/admin:plain"));
        backend = HUB.node("embedded");
        node = SignalingNode.builder(config)
                .backend(backend)
                .authenticator(TICKETS)
                .roomAccessPolicy(TEAMS)
                .event("report", (socket, payload, ack) ->
                        // Answered later, from another thread: netty-socketio's default ack mode would
                        // already have sent the client an empty ack (research: pre-empted async acks).
                        CompletableFuture.runAsync(() -> ack.reply(Map.of("received", payload, "from",
                                socket.userId(), "namespace", socket.namespace())),
                                CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS)))
                .event("/admin", "stats", (socket, payload, ack) -> {
                    ack.reply(Map.of("sockets", node.connectedSockets()));
                    return CompletableFuture.completedFuture(null);
                })
                .tap(TAPPED::add)
                .tap(event -> {
                    throw new IllegalStateException("a broken tap");
                })
                .start();
        url = "http://127.0.0.1:" + config.port();
        clients = TestClientFactory.node();
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (node != null) {
            node.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (tapFailures != null) {
            tapFailures.close();
        }
    }

    private static ClientOptions as(String user) {
        return ClientOptions.of(ClientTransport.WEBSOCKET).withAuth(Map.of("token", "let-me-in:" + user));
    }

    @Test
    void theCustomAuthenticatorDecidesWhoConnects() {
        assertThat(clients.connectExpectingError(url, ClientOptions.of(ClientTransport.WEBSOCKET)).message())
                .isEqualTo("missing token");
        assertThat(clients.connectExpectingError(url, ClientOptions.of(ClientTransport.WEBSOCKET)
                .withAuth(Map.of("token", "please"))).message()).isEqualTo("invalid token");
        try (TestClient alice = clients.connect(url, as("alice"))) {
            assertThat(alice.socketId()).isNotBlank();
        }
    }

    @Test
    void aCustomEventIsAnsweredThroughItsAck() {
        try (TestClient alice = clients.connect(url, as("alice"))) {
            List<Object> ack = alice.emitWithAck("report", Map.of("fps", 24, "rtt", 31));

            assertThat(ack).containsExactly(Map.of("received", Map.of("fps", 24, "rtt", 31), "from", "alice",
                    "namespace", "/"));
        }
    }

    @Test
    void theCustomRoomPolicyGuardsJoins() {
        try (TestClient alice = clients.connect(url, as("alice"))) {
            alice.emit("join-room", Map.of("roomId", "blue-standup", "name", "Alice"));
            assertThat(alice.await("join-error").payload()).isEqualTo(Map.of("reason", "forbidden", "roomId", "blue-standup"));
            alice.emit("join-room", Map.of("roomId", "red-standup", "name", "Alice"));
            alice.await("join-ok");
        }
    }

    @Test
    void theTapSeesEveryEventWithNameSizeSocketAndRoom() {
        TAPPED.clear();
        try (TestClient bob = clients.connect(url, as("bob"))) {
            bob.emit("join-room", Map.of("roomId", "blue-tapped", "name", "Bob"));
            bob.await("join-ok");
            bob.emit("no-such-event", Map.of("roomId", "blue-tapped"));
            bob.await("error");

            TappedEvent join = await().atMost(Duration.ofSeconds(5)).until(TAPPED::poll, e -> e != null);
            assertThat(join.name()).isEqualTo("join-room");
            assertThat(join.namespace()).isEqualTo("/");
            assertThat(join.socketId()).isEqualTo(bob.socketId());
            assertThat(join.roomId()).isEqualTo("blue-tapped");
            assertThat(join.bytes()).isEqualTo("42[\"join-room\",{\"roomId\":\"blue-tapped\",\"name\":\"Bob\"}]".length());
            assertThat(join.refusal()).isNull();
            TappedEvent unknown = await().atMost(Duration.ofSeconds(5)).until(TAPPED::poll, e -> e != null);
            assertThat(unknown.name()).isEqualTo("no-such-event");
            assertThat(unknown.refusal()).isEqualTo("invalid-payload");
            // The broken tap next to it is logged (rate-limited) and stops nothing.
            await().atMost(Duration.ofSeconds(5)).until(() -> tapFailures.messages().stream()
                    .anyMatch(line -> line.contains("failed") && line.contains("a broken tap")));
        }
    }

    @Test
    void anExtraRtcioNamespaceCarriesTheProtocol() {
        try (TestClient alice = clients.connect(url + "/calls", as("alice"));
             TestClient ann = clients.connect(url + "/calls", as("ann"))) {
            alice.emit("join-room", Map.of("roomId", "red-call", "name", "Alice"));
            alice.await("join-ok");
            ann.emit("join-room", Map.of("roomId", "red-call", "name", "Ann"));
            ann.await("join-ok");
            assertThat(alice.await("#rtcio:init-offer").payload()).isEqualTo(Map.of("source", ann.socketId()));

            alice.emit("#rtcio:message", Map.of("target", ann.socketId(), "data", Map.of("type", "offer")));

            assertThat(ann.await("#rtcio:message").payload()).containsEntry("source", alice.socketId());
            assertThat(alice.emitWithAck("report", "from calls")).containsExactly(
                    Map.of("received", "from calls", "from", "alice", "namespace", "/calls"));
        }
    }

    @Test
    void aPlainNamespaceHasOnlyItsCustomEvents() {
        try (TestClient admin = clients.connect(url + "/admin", as("alice"))) {
            assertThat(admin.emitWithAck("stats")).hasSize(1);
            assertThat(admin.emitWithAck("report", 1)).containsExactly(
                    Map.of("received", 1, "from", "alice", "namespace", "/admin"));
            admin.emit("join-room", Map.of("roomId", "red-admin", "name", "Alice"));
            assertThat(admin.await("error").payload()).containsEntry("code", "invalid-payload")
                    .containsEntry("event", "join-room");
        }
    }
}
