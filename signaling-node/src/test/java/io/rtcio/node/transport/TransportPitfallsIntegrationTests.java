package io.rtcio.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.RawWebSocket;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * netty-socketio pitfalls that only show with real clients: the polling→WebSocket upgrade stall
 * and the cooperative kick (a client that ignores the server's
 * DISCONNECT packet must still be cut off).
 */
class TransportPitfallsIntegrationTests {

    private static NodeCluster cluster;
    private static TestClientFactory clients;

    @BeforeAll
    static void start() {
        cluster = NodeCluster.start(1);
        clients = TestClientFactory.node();
    }

    @AfterAll
    static void stop() {
        clients.close();
        cluster.close();
    }

    @Test
    void shouldFinishEveryPollingToWebSocketUpgradeQuickly() throws Exception {
        // Unpatched netty-socketio stalls 3-87% of these upgrades for 10-45 s.
        List<TestClient> peers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<TestClient>> connecting = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                connecting.add(pool.submit(() ->
                        clients.connect(cluster.url(0), ClientOptions.of(ClientTransport.POLLING_UPGRADE))));
            }
            for (Future<TestClient> future : connecting) {
                peers.add(future.get(30, TimeUnit.SECONDS));
            }
            for (TestClient peer : peers) {
                await().atMost(Duration.ofSeconds(2)).until(() -> "websocket".equals(peer.currentTransport()));
            }
            TestClient last = peers.get(peers.size() - 1);
            last.emit("check-room", Map.of("roomId", "after-upgrade"));
            assertThat(last.await("room-check-ok").payload()).containsEntry("roomId", "after-upgrade");
        } finally {
            pool.shutdownNow();
            peers.forEach(TestClient::close);
        }
    }

    @Test
    void shouldCutOffAClientThatIgnoresTheServersDisconnect() throws Exception {
        try (RawWebSocket stubborn = RawWebSocket.open(cluster.url(0));
             TestClient peer = clients.connect(cluster.url(0), ClientOptions.of(ClientTransport.WEBSOCKET))) {
            assertThat(stubborn.nextFrame()).startsWith("0{");
            stubborn.send("40");
            String connected = stubborn.nextFrame();
            Matcher sid = Pattern.compile("^40\\{\"sid\":\"([^\"]+)\"").matcher(connected);
            assertThat(sid.find()).as("CONNECT reply %s", connected).isTrue();
            stubborn.send("42[\"join-room\",{\"roomId\":\"kick\",\"name\":\"stubborn\"}]");
            // In the room before the peer joins (a busy machine may read the peer's join first), so
            // the peer is told of it and must be told it left.
            String joined;
            do {
                joined = stubborn.nextFrame();
            } while (!joined.startsWith("42[\"join-ok\""));
            peer.emit("join-room", Map.of("roomId", "kick", "name", "peer"));
            peer.await("join-ok");

            assertThat(cluster.node(0).disconnect(sid.group(1))).isTrue();
            // The client never acknowledges anything; the server closes the connection itself.
            await().atMost(Duration.ofSeconds(5)).until(stubborn::isCutOff);
            assertThat(peer.await("#rtcio:peer-left").payload()).containsEntry("id", sid.group(1));
            assertThat(peer.await("user-disconnected").payload()).containsEntry("id", sid.group(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> cluster.node(0).connectedSockets() == 1);
        }
    }
}
