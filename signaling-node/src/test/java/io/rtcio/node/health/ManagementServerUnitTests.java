package io.rtcio.node.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManagementServerUnitTests {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    private final AtomicReference<ManagementRoutes.Check> health = new AtomicReference<>(ManagementRoutes.Check.ok());
    private final AtomicReference<ManagementRoutes.Check> ready = new AtomicReference<>(ManagementRoutes.Check.ok());
    private final List<Socket> stalled = new ArrayList<>();
    private ManagementServer server;

    @BeforeEach
    void start() {
        server = new ManagementServer("127.0.0.1", 0,
                new ManagementRoutes(health::get, ready::get, () -> "# TYPE up gauge\nup 1.0\n"),
                Duration.ofMillis(500));
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : stalled) {
            socket.close();
        }
        server.close();
    }

    @Test
    void shouldAnswerProbesWhileFiftyClientsStallMidRequest() throws Exception {
        for (int i = 0; i < 50; i++) {
            stalled.add(stall("G"));
        }
        stalled.add(stall("GET /metrics HTTP/1.1\r\nHost: x\r\n"));

        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("up 1.0");
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void shouldCloseAConnectionThatStallsMidRequest() throws Exception {
        Socket socket = stall("GE");

        socket.setSoTimeout(5_000);
        assertThat(socket.getInputStream().read()).as("end of stream once the request deadline passed").isEqualTo(-1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void shouldServeSeveralRequestsOnOneKeepAliveConnection() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = readResponse(in);
                assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("{\"status\":\"up\"}");
            }
        }
    }

    @Test
    void shouldReportFailingProbesWith503AndTheirReason() throws Exception {
        health.set(ManagementRoutes.Check.failing("event loop wedged"));
        ready.set(ManagementRoutes.Check.failing("shutting down"));

        HttpResponse<String> liveness = get("/health");
        HttpResponse<String> readiness = get("/ready");

        assertThat(liveness.statusCode()).isEqualTo(503);
        assertThat(liveness.body()).isEqualTo("{\"status\":\"down\",\"reason\":\"event loop wedged\"}");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).isEqualTo("{\"status\":\"not ready\",\"reason\":\"shutting down\"}");
        assertThat(liveness.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void shouldRefuseOtherMethodsAndPaths() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/health")).timeout(PROBE_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri("/ready")).timeout(PROBE_TIMEOUT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(get("/admin").statusCode()).isEqualTo(404);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private Socket stall(String prefix) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.getOutputStream().write(prefix.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(PROBE_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** One HTTP/1.1 response with a Content-Length body, as text. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
