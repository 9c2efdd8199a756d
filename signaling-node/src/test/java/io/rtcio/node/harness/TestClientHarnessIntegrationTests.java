package io.rtcio.node.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives a throwaway netty-socketio server with both client kinds over both transport settings,
 * to show that the harness itself works.
 */
class TestClientHarnessIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static SocketIOServer server;
    private static String baseUrl;
    private static ScheduledExecutorService noopTimer;
    private static final Map<String, CompletableFuture<Void>> serverDisconnects = new ConcurrentHashMap<>();
    private static final Map<String, TestClientFactory> factories = new ConcurrentHashMap<>();

    @BeforeAll
    static void startServer() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Configuration cfg = new Configuration();
        cfg.setHostname("127.0.0.1");
        cfg.setPort(port);
        cfg.setRandomSession(true);
        cfg.setWebsocketCompression(false);
        cfg.setAckMode(AckMode.MANUAL);
        cfg.setPingInterval(25_000);
        cfg.setPingTimeout(20_000);
        SocketConfig socketConfig = new SocketConfig();
        socketConfig.setReuseAddress(true);
        socketConfig.setTcpNoDelay(true);
        cfg.setSocketConfig(socketConfig);

        server = new SocketIOServer(cfg);
        server.addEventListener("echo", Object.class, (client, data, ack) -> client.sendEvent("echo", data));
        server.addEventListener("ack", Object.class, (client, data, ack) -> ack.sendAckData(Map.of("ok", true)));
        server.addEventListener("whoami", Object.class, (client, data, ack) -> {
            Map<String, Object> me = new LinkedHashMap<>();
            String origin = client.getHandshakeData().getHttpHeaders().get("Origin");
            me.put("origin", origin == null ? "" : origin);
            Object auth = client.getHandshakeData().getAuthToken();
            me.put("auth", auth == null ? "" : auth);
            ack.sendAckData(me);
        });
        // On "/" netty-socketio runs this before the client's CONNECT is answered, so the event reaches the
        // client before its own connect: the harness must not lose it.
        server.addConnectListener(client -> client.sendEvent("welcome", Map.of("sid", client.getSessionId().toString())));
        server.addDisconnectListener(client -> disconnectFuture(client.getSessionId().toString()).complete(null));
        server.getNamespace(Namespace.DEFAULT_NAME).addAuthTokenListener((auth, client) ->
                auth instanceof Map<?, ?> m && "bad".equals(m.get("token"))
                        ? new AuthTokenResult(false, Map.of("message", "invalid token", "data", Map.of("code", 4001)))
                        : AuthTokenResult.AuthTokenResultSuccess);

        noopTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upgrade-noop");
            t.setDaemon(true);
            return t;
        });
        server.addPingListener(TestClientHarnessIntegrationTests::nudgeUpgrade);
        server.start();
        baseUrl = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopServer() {
        factories.values().forEach(TestClientFactory::close);
        factories.clear();
        if (server != null) {
            server.stop();
        }
        if (noopTimer != null) {
            noopTimer.shutdownNow();
        }
    }

    /**
     * Works around netty-socketio's polling-to-websocket upgrade race (research doc §2.1): while the
     * client probes websocket, keep sending NOOP on polling so the paused poll always completes.
     * The client's only PING in Engine.IO v4 is the "2probe".
     */
    private static void nudgeUpgrade(SocketIOClient client) {
        ClientHead head = ((NamespaceClient) client).getBaseClient();
        if (head.getCurrentTransport() != Transport.POLLING) {
            return;
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(noopTimer.scheduleAtFixedRate(() -> {
            if (head.getCurrentTransport() != Transport.POLLING || !client.isChannelOpen()
                    || System.nanoTime() > until) {
                ScheduledFuture<?> self = task.get();
                if (self != null) {
                    self.cancel(false);
                }
                return;
            }
            head.send(new Packet(PacketType.NOOP, client.getEngineIOVersion()), Transport.POLLING);
        }, 0, 100, TimeUnit.MILLISECONDS));
    }

    static Stream<Arguments> clients() {
        return Stream.of("node", "java").flatMap(kind -> Stream.of(ClientTransport.values())
                .map(transport -> Arguments.of(kind, transport)));
    }

    private static TestClientFactory factory(String kind) {
        return factories.computeIfAbsent(kind, k -> k.equals("node") ? TestClientFactory.node() : TestClientFactory.java());
    }

    private static CompletableFuture<Void> disconnectFuture(String sid) {
        return serverDisconnects.computeIfAbsent(sid, s -> new CompletableFuture<>());
    }

    private static void awaitServerDisconnect(String sid) {
        try {
            disconnectFuture(sid).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("server saw no disconnect of " + sid + " within " + WAIT);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clients")
    void connectsEmitsAcksAndDisconnects(String kind, ClientTransport transport) {
        TestClientFactory factory = factory(kind);
        assertThat(factory.kind()).isEqualTo(kind);
        try (TestClient client = factory.connect(baseUrl, ClientOptions.of(transport))) {
            assertThat(client.socketId()).isNotBlank();
            assertThat(client.await("welcome").payload()).containsEntry("sid", client.socketId());
            assertThat(client.isConnected()).isTrue();
            if (transport == ClientTransport.WEBSOCKET) {
                assertThat(client.currentTransport()).isEqualTo("websocket");
            } else {
                client.awaitTransport("websocket");
            }

            Map<String, Object> payload = Map.of(
                    "text", "héllo ✓ \"quoted\"",
                    "count", 42,
                    "ratio", 2.5,
                    "flag", true,
                    "list", List.of(1, "two", false),
                    "nested", Map.of("inner", List.of(Map.of("k", "v"))));
            client.emit("echo", payload);
            Received echo = client.await("echo");
            assertThat(echo.payload()).isEqualTo(payload);

            assertThat(client.emitWithAck("ack", Map.of("q", 1))).containsExactly(Map.of("ok", true));

            client.expectNone("echo", Duration.ofMillis(300));
            client.emit("echo", Map.of("again", true));
            assertThatThrownBy(() -> client.expectNone("echo", WAIT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("again");
            assertThat(client.receivedSoFar("echo")).extracting(Received::payload)
                    .containsExactly(payload, Map.of("again", true));
            assertThatThrownBy(() -> client.await("never-sent", Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("never-sent")
                    .hasMessageContaining("echo");

            String id = client.socketId();
            client.disconnect();
            assertThat(client.awaitDisconnect()).isEqualTo("io client disconnect");
            assertThat(client.isConnected()).isFalse();
            awaitServerDisconnect(id);
        }
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clients")
    void killClosesTheTransportWithoutADisconnectPacket(String kind, ClientTransport transport) {
        try (TestClient client = factory(kind).connect(baseUrl, ClientOptions.of(transport))) {
            if (transport == ClientTransport.POLLING_UPGRADE) {
                client.awaitTransport("websocket");
            }
            String id = client.socketId();
            client.kill();
            assertThat(client.awaitDisconnect()).isEqualTo("forced close");
            assertThat(client.isConnected()).isFalse();
            awaitServerDisconnect(id);
        }
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clients")
    void sendsAuthAndOriginAndReportsConnectErrors(String kind, ClientTransport transport) {
        TestClientFactory factory = factory(kind);
        ClientOptions options = ClientOptions.of(transport)
                .withAuth(Map.of("token", "good", "n", 7))
                .withOrigin("https://app.example");
        try (TestClient client = factory.connect(baseUrl, options)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> me = (Map<String, Object>) client.emitWithAck("whoami").get(0);
            assertThat(me).containsEntry("origin", "https://app.example");
            // the Java client can only send string auth values
            Object n = kind.equals("java") ? "7" : 7;
            assertThat(me.get("auth")).isEqualTo(Map.of("token", "good", "n", n));
        }

        ConnectError error = factory.connectExpectingError(baseUrl,
                ClientOptions.of(transport).withAuth(Map.of("token", "bad")));
        assertThat(error.message()).isEqualTo("invalid token");
        assertThat(error.data()).isEqualTo(Map.of("code", 4001));

        assertThatThrownBy(() -> factory.connect(baseUrl, ClientOptions.of(transport).withAuth(Map.of("token", "bad"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("invalid token");
    }
}
