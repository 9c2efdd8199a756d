package io.rtcio.node.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.node.harness.NodeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The management port of a real node process cannot be wedged: clients that send part of a
 * request and stall neither delay the probes of others nor stay connected for ever.
 */
class ManagementPortIntegrationTests {

    private static final int STALLED_CLIENTS = 50;

    @Test
    void shouldKeepAnsweringProbesWhileFiftyClientsStall() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try (NodeProcess node = NodeProcess.start(Map.of("NODE_ID", "probe-node")).awaitReady()) {
            int port = URI.create(node.managementUrl()).getPort();
            for (int i = 0; i < STALLED_CLIENTS; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.getOutputStream().write(i % 2 == 0 ? "G".getBytes(StandardCharsets.US_ASCII)
                        : "GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }

            // Every probe answers within its 2 s client timeout, for longer than the server's request
            // deadline, so the stalled clients are cut off meanwhile and the probes never notice.
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> node.status("/health") == 200 && node.status("/ready") == 200
                            && node.get("/metrics").contains("signaling_connections"));

            for (Socket socket : stalled) {
                socket.setSoTimeout(10_000);
                assertThat(socket.getInputStream().read()).as("a stalled client is disconnected").isEqualTo(-1);
            }
        } finally {
            for (Socket socket : stalled) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed by the server
        }
    }
}
