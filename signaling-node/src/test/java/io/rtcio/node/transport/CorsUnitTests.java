package io.rtcio.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.NodeCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The origin allow-list and CORS headers, spoken to with plain {@code java.net.http}: a refused
 * origin gets no session over polling or WebSocket (also not with a stolen session id), exact
 * origins are echoed with credentials, {@code *} is answered with {@code *} and no credentials,
 * and preflights are answered without creating a session.
 */
class CorsUnitTests {

    private static final String APP = "https://app.example";
    private static final String EVIL = "https://evil.example";
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private static NodeCluster exact;
    private static NodeCluster any;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        exact = NodeCluster.start(1, Map.of("ALLOWED_ORIGINS", APP + ",http://localhost:5173"));
        any = NodeCluster.start(1, Map.of("ALLOWED_ORIGINS", "*"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        exact.close();
        any.close();
    }

    private static String handshakeUrl(NodeCluster cluster) {
        return cluster.url(0) + "/socket.io/?EIO=4&transport=polling";
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // netty-socketio closes keep-alive connections after a response; retry a reused stale one
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
            }
        }
    }

    private static HttpResponse<String> handshake(NodeCluster cluster, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(handshakeUrl(cluster))).GET();
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    @Test
    void aPollingResponseSaysTheConnectionCloses() throws Exception {
        int port = Integer.parseInt(exact.url(0).substring(exact.url(0).lastIndexOf(':') + 1));
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Origin: " + APP + "\r\nConnection: keep-alive\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // The server closes after its response, so reading to the end ends.
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).startsWith("http/1.1 200").contains("\r\nconnection: close");
        }
    }

    @Test
    void aRefusedOriginGetsNoPollingSession() throws Exception {
        HttpResponse<String> response = handshake(exact, EVIL);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("sid");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void anAllowedOriginIsEchoedWithCredentials() throws Exception {
        HttpResponse<String> response = handshake(exact, APP);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("0{").contains("\"sid\"");
        assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly(APP);
        assertThat(response.headers().allValues("Access-Control-Allow-Credentials")).containsExactly("true");
        assertThat(String.join(",", response.headers().allValues("Vary"))).contains("origin");
    }

    @Test
    void aRequestWithoutOriginIsNotABrowserAndGetsNoCorsHeaders() throws Exception {
        HttpResponse<String> response = handshake(exact, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void aStarAllowListAnswersStarWithoutCredentials() throws Exception {
        HttpResponse<String> response = handshake(any, "https://anyone.example");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void aRefusedOriginCannotUseAnExistingSession() throws Exception {
        HttpResponse<String> opened = handshake(exact, APP);
        Matcher sid = SID.matcher(opened.body());
        assertThat(sid.find()).isTrue();
        String sessionUrl = handshakeUrl(exact) + "&sid=" + sid.group(1);

        HttpResponse<String> poll = send(HttpRequest.newBuilder(URI.create(sessionUrl)).header("Origin", EVIL).GET());
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(sessionUrl)).header("Origin", EVIL)
                .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString("40")));

        assertThat(poll.statusCode()).isEqualTo(403);
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(poll.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnly() throws Exception {
        HttpRequest.Builder allowed = HttpRequest.newBuilder(URI.create(handshakeUrl(exact)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-app-version");
        HttpResponse<String> ok = send(allowed);

        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().allValues("Access-Control-Allow-Origin")).containsExactly("http://localhost:5173");
        assertThat(ok.headers().allValues("Access-Control-Allow-Credentials")).containsExactly("true");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, OPTIONS");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type, x-app-version");
        assertThat(ok.headers().firstValue("Set-Cookie")).as("no session for a preflight").isEmpty();

        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(handshakeUrl(exact)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", EVIL)
                .header("Access-Control-Request-Method", "POST"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aRefusedOriginCannotOpenAWebSocket() throws Exception {
        URI uri = URI.create(exact.url(0).replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket");

        CompletableFuture<WebSocket> evil = http.newWebSocketBuilder().header("Origin", EVIL)
                .connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new WebSocket.Listener() { });
        Throwable failure = null;
        try {
            evil.get(10, TimeUnit.SECONDS).abort();
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        assertThat(failure).as("the upgrade from a refused origin fails").isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(403);

        WebSocket app = http.newWebSocketBuilder().header("Origin", APP).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        app.abort();
    }
}
