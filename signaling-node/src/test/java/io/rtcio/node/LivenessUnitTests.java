package io.rtcio.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.health.EventLoopWatchdog;
import io.rtcio.node.transport.TransportChannels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness follows the transport's event loops; readiness follows start, shutdown and liveness. */
class LivenessUnitTests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final CountDownLatch release = new CountDownLatch(1);
    private final TestClientFactory clients = TestClientFactory.java();
    private NodeCluster cluster;

    @AfterEach
    void stop() {
        release.countDown();
        clients.close();
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldFailLivenessAndReadinessWhileASocketIoEventLoopIsWedged() throws Exception {
        cluster = NodeCluster.start(1);
        TestClient client = clients.connect(cluster.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
        assertThat(status("/health")).isEqualTo(200);
        LocalSocketChannel wedged = channelOf(client.socketId());

        wedged.channel().eventLoop().execute(this::blockUntilReleased);

        Duration patience = EventLoopWatchdog.STALL_AFTER.plusSeconds(10);
        await().atMost(patience).pollInterval(Duration.ofMillis(200)).until(() -> status("/health") == 503);
        assertThat(status("/ready")).isEqualTo(503);
        assertThat(body("/health")).contains("\"status\":\"down\"").contains("has not run a task");

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> status("/health") == 200 && status("/ready") == 200);
    }

    @Test
    void shouldStopBeingReadyOnShutdownWhileStillLive() throws Exception {
        cluster = NodeCluster.start(1);
        assertThat(status("/ready")).isEqualTo(200);
        assertThat(cluster.node(0).isReady()).isTrue();

        cluster.node(0).close();

        assertThat(cluster.node(0).isReady()).isFalse();
    }

    private record LocalSocketChannel(Channel channel) {
    }

    private LocalSocketChannel channelOf(String socketId) {
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.node(0).localSocket(socketId) != null
                && TransportChannels.channelOf(cluster.node(0).localSocket(socketId).engineSession()) != null);
        return new LocalSocketChannel(TransportChannels.channelOf(cluster.node(0).localSocket(socketId).engineSession()));
    }

    private int status(String path) throws Exception {
        return send(path).statusCode();
    }

    private String body(String path) throws Exception {
        return send(path).body();
    }

    private HttpResponse<String> send(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.managementUrl(0) + path))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void blockUntilReleased() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
