package io.rtcio.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ConnectError;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ALLOWED_ORIGINS} against the real socket.io-client 4.8 sending an {@code Origin} header:
 * a client from another origin cannot connect over polling or WebSocket; a listed one can.
 */
class OriginIntegrationTests {

    private static final String APP = "https://app.example";

    private static NodeCluster cluster;
    private static TestClientFactory clients;

    @BeforeAll
    static void start() {
        cluster = NodeCluster.start(1, Map.of("ALLOWED_ORIGINS", APP));
        clients = TestClientFactory.node();
    }

    @AfterAll
    static void stop() {
        clients.close();
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldNotLetAnotherOriginConnect(ClientTransport transport) {
        ConnectError error = clients.connectExpectingError(cluster.url(0),
                ClientOptions.of(transport).withOrigin("https://evil.example"));

        assertThat(error.message()).isEqualTo(transport == ClientTransport.WEBSOCKET ? "websocket error" : "xhr poll error");
        assertThat(cluster.node(0).connectedSockets()).isZero();
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldLetTheListedOriginConnectAndWork(ClientTransport transport) {
        try (TestClient client = clients.connect(cluster.url(0), ClientOptions.of(transport).withOrigin(APP))) {
            client.awaitTransport("websocket");
            client.emit("check-room", Map.of("roomId", "origin-check"));
            assertThat(client.await("room-check-ok").payload()).containsEntry("roomId", "origin-check");
        }
    }
}
