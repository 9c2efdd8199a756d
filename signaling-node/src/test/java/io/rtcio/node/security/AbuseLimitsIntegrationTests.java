package io.rtcio.node.security;

import static io.rtcio.node.harness.Maps.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.LogCapture;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Abuse limits with real socket.io-client 4.8 peers on three nodes: the room limit under
 * concurrent joins, the per-socket rate limit under a flood, the event size limit, and the
 * shared-room relay policy (also across nodes).
 */
class AbuseLimitsIntegrationTests {

    private static final Duration QUIET = Duration.ofMillis(300);

    private static NodeCluster cluster;
    private static TestClientFactory clients;
    private final List<TestClient> peers = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = NodeCluster.start(3, Map.of("MAX_PEERS", "8", "RATE_LIMIT_DISCONNECT_AFTER_MS", "2500"));
        clients = TestClientFactory.node();
    }

    @AfterAll
    static void stop() {
        clients.close();
        cluster.close();
    }

    @AfterEach
    void closePeers() {
        peers.forEach(TestClient::close);
        peers.clear();
    }

    private TestClient peer(int node, ClientTransport transport) {
        TestClient peer = clients.connect(cluster.url(node), ClientOptions.of(transport));
        peers.add(peer);
        return peer;
    }

    private TestClient peer(int node) {
        return peer(node, ClientTransport.WEBSOCKET);
    }

    private static String join(TestClient peer, String name) {
        return join(peer, "room-" + UUID.randomUUID(), name);
    }

    private static String join(TestClient peer, String room, String name) {
        peer.emit("join-room", map("roomId", room, "name", name));
        assertThat(peer.await("join-ok").payload()).containsEntry("roomId", room);
        return room;
    }

    private double sum(java.util.function.ToDoubleFunction<SignalingMetrics> metric) {
        double total = 0;
        for (int i = 0; i < cluster.size(); i++) {
            total += metric.applyAsDouble(cluster.node(i).metrics());
        }
        return total;
    }

    // ---------------------------------------------------------------- room limit

    @Test
    void shouldAdmitExactlyTheRoomLimitOfTwentyConcurrentJoinersSpreadOverThreeNodes() {
        String room = "room-" + UUID.randomUUID();
        List<TestClient> joiners = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            joiners.add(peer(i % 3));
        }
        for (int i = 0; i < joiners.size(); i++) {
            joiners.get(i).emit("join-room", map("roomId", room, "name", "p" + i));
        }
        int admitted = 0;
        int full = 0;
        for (TestClient joiner : joiners) {
            Received outcome = await().atMost(Duration.ofSeconds(10)).until(() -> first(joiner), r -> r != null);
            if (outcome.event().equals("join-ok")) {
                admitted++;
            } else {
                assertThat(outcome.payload()).isEqualTo(map("reason", "room-full", "roomId", room));
                full++;
            }
        }
        assertThat(admitted).isEqualTo(8);
        assertThat(full).isEqualTo(12);
    }

    private static Received first(TestClient joiner) {
        List<Received> ok = joiner.receivedSoFar("join-ok");
        List<Received> refused = joiner.receivedSoFar("join-error");
        return !ok.isEmpty() ? ok.get(0) : refused.isEmpty() ? null : refused.get(0);
    }

    // ---------------------------------------------------------------- rate limit

    @Test
    void shouldProcessAtMostTheRateOfAFloodKeepOthersServedAndCutOffAPersistentFlooder() throws Exception {
        TestClient flooder = peer(0);
        TestClient target = peer(1);
        String room = join(flooder, "flooder");
        join(target, room, "target");
        TestClient c = peer(0);
        TestClient d = peer(2);
        String other = join(c, "c");
        join(d, other, "d");
        flooder.await("#rtcio:init-offer");
        c.await("#rtcio:init-offer");
        double refusedBefore = sum(m -> m.errors(ErrorCode.RATE_LIMITED));

        // Phase 1: 1000 events in one second, 10 every 10 ms.
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        LogCapture cutOff = LogCapture.of("io.rtcio.node.transport.EventRouter");
        try {
            long started = System.nanoTime();
            ScheduledFuture<?> flood = pacer.scheduleAtFixedRate(() -> {
                for (int i = 0; i < 10 && sent.get() < 1000; i++) {
                    flooder.emit("#rtcio:message", map("target", target.socketId(), "data", map("seq", sent.getAndIncrement())));
                }
            }, 0, 10, TimeUnit.MILLISECONDS);

            // Others keep being served during the flood: c and d (one of them on the flooder's node) relay round trips.
            long slowestMs = 0;
            for (int i = 0; i < 10; i++) {
                long before = System.nanoTime();
                c.emit("#rtcio:message", map("target", d.socketId(), "data", map("ping", i)));
                assertThat(d.await("#rtcio:message", Duration.ofSeconds(2)).payload().get("data")).isEqualTo(map("ping", i));
                d.emit("#rtcio:message", map("target", c.socketId(), "data", map("pong", i)));
                assertThat(c.await("#rtcio:message", Duration.ofSeconds(2)).payload().get("data")).isEqualTo(map("pong", i));
                slowestMs = Math.max(slowestMs, (System.nanoTime() - before) / 1_000_000);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.get() >= 1000);
            flood.cancel(false);
            double floodSeconds = (System.nanoTime() - started) / 1e9;

            // Every one of the 1000 is either delivered to the target or refused as rate-limited.
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    target.receivedSoFar("#rtcio:message").size() + sum(m -> m.errors(ErrorCode.RATE_LIMITED)) - refusedBefore
                            >= 1000);
            int processed = target.receivedSoFar("#rtcio:message").size();
            double refused = sum(m -> m.errors(ErrorCode.RATE_LIMITED)) - refusedBefore;
            System.out.printf("[flood] sent 1000 in %.2f s: processed %d, refused %.0f, errors told %d,"
                    + " slowest round trip of others %d ms%n", floodSeconds, processed, refused,
                    flooder.receivedSoFar("error").size(), slowestMs);
            assertThat(processed + refused).isEqualTo(1000);
            // The default shaper: a burst of 150 at once, then 50/s, with up to 2 s (100 events) held.
            assertThat(processed).as("burst 150 + 50/s over %.2f s + a backlog of 100", floodSeconds)
                    .isBetween(250, (int) Math.ceil(150 + 100 + 50 * (floodSeconds + 0.5)));
            assertThat(flooder.receivedSoFar("error")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.payload()).containsEntry("code", "rate-limited"))
                    .hasSizeLessThanOrEqualTo((int) Math.ceil(2 * (floodSeconds + 1)));
            List<Integer> order = target.receivedSoFar("#rtcio:message").stream()
                    .map(r -> ((Number) ((Map<?, ?>) r.payload().get("data")).get("seq")).intValue()).toList();
            assertThat(order).as("what got through kept its order").isSorted();
            assertThat(flooder.isConnected()).as("one second of flooding is forgiven").isTrue();

            // Phase 2: a flood that persists past RATE_LIMIT_DISCONNECT_AFTER_MS (2.5 s) is cut off.
            double disconnectsBefore = sum(SignalingMetrics::rateLimitDisconnects);
            ScheduledFuture<?> persistent = pacer.scheduleAtFixedRate(() -> {
                if (flooder.isConnected()) {
                    for (int i = 0; i < 10; i++) {
                        flooder.emit("chat-message", map("roomId", room, "text", "spam"));
                    }
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            long floodStart = System.nanoTime();
            await().atMost(Duration.ofSeconds(6)).until(() -> !flooder.isConnected());
            persistent.cancel(false);
            System.out.printf("[flood] persistent flooder disconnected after %d ms%n",
                    (System.nanoTime() - floodStart) / 1_000_000);
            assertThat(target.await("#rtcio:peer-left").payload()).isEqualTo(map("id", flooder.socketId()));
            assertThat(sum(SignalingMetrics::rateLimitDisconnects)).isEqualTo(disconnectsBefore + 1);
            c.emit("#rtcio:message", map("target", d.socketId(), "data", "after"));
            assertThat(d.await("#rtcio:message").payload()).containsEntry("data", "after");
            assertThat(cutOff.messages()).as("the operator is told who was cut off and why")
                    .anyMatch(line -> line.contains(flooder.socketId()) && line.contains("rate limit"));
        } finally {
            cutOff.close();
            pacer.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- event size

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseATwoMegabyteEventWithoutClosingTheConnection(ClientTransport transport) {
        TestClient sender = peer(0, transport);
        TestClient receiver = peer(1);
        String room = join(sender, "sender");
        join(receiver, room, "receiver");

        sender.emit("chat-message", map("roomId", room, "text", "x".repeat(2 * 1024 * 1024)));

        assertThat(sender.await("error").payload()).containsEntry("code", "payload-too-large")
                .containsEntry("event", "chat-message");
        sender.emit("chat-message", map("roomId", room, "text", "small"));
        assertThat(receiver.await("chat-message").payload()).containsEntry("text", "small");
        assertThat(receiver.receivedSoFar("chat-message")).hasSize(1);
        assertThat(sender.isConnected()).isTrue();
    }

    // ---------------------------------------------------------------- relay policy

    @Test
    void shouldNotRelayToSocketsOutsideTheSendersRoomsOnAnyNode() {
        TestClient a = peer(0);
        TestClient b = peer(1);
        TestClient local = peer(0);
        TestClient remote = peer(2);
        TestClient roomless = peer(1);
        String room = join(a, "a");
        join(b, room, "b");
        String elsewhere = join(local, "local");
        join(remote, elsewhere, "remote");
        double droppedBefore = cluster.droppedRelays();

        a.emit("#rtcio:message", map("target", local.socketId(), "data", "to a stranger on my node"));
        a.emit("#rtcio:message", map("target", remote.socketId(), "data", "to a stranger on another node"));
        roomless.emit("#rtcio:message", map("target", b.socketId(), "data", "from outside every room"));
        a.emit("#rtcio:message", map("target", b.socketId(), "data", "to my room"));

        assertThat(b.await("#rtcio:message").payload()).containsEntry("data", "to my room");
        local.expectNone("#rtcio:message", QUIET);
        remote.expectNone("#rtcio:message", Duration.ZERO);
        b.expectNone("#rtcio:message", Duration.ZERO);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.droppedRelays() >= droppedBefore + 3);
        a.expectNone("error", Duration.ZERO);
        roomless.expectNone("error", Duration.ZERO);
    }

    @Test
    void shouldReplaceASpoofedSourceAcrossNodes() {
        TestClient a = peer(0);
        TestClient b = peer(2);
        TestClient c = peer(1);
        String room = join(a, "a");
        join(b, room, "b");
        join(c, room, "c");

        a.emit("#rtcio:message", map("source", c.socketId(), "target", b.socketId(), "data", "who am I"));

        assertThat(b.await("#rtcio:message").payload()).isEqualTo(map("source", a.socketId(), "target", b.socketId(),
                "data", "who am I"));
    }

    @Test
    void shouldRelayBetweenStrangersWhenThePolicyIsAny() {
        try (NodeCluster open = NodeCluster.start(1, Map.of("RELAY_POLICY", "any"));
             TestClient a = clients.connect(open.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
             TestClient b = clients.connect(open.url(0), ClientOptions.of(ClientTransport.WEBSOCKET))) {
            a.emit("#rtcio:message", map("target", b.socketId(), "data", "hello stranger"));

            assertThat(b.await("#rtcio:message").payload()).containsEntry("source", a.socketId())
                    .containsEntry("data", "hello stranger");
        }
    }
}
