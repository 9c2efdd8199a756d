package io.rtcio.node.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.FreePorts;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.RecoveringClient;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection-state recovery with npm socket.io-client 4.8 against three node processes on one
 * Redis: a client whose connection drops (TCP gone, no close frame) reconnects by itself, to the
 * same node, to another one, or to a survivor after {@code kill -9} of its node, and gets back
 * its id, its rooms and every relay sent to it meanwhile, once, in order, each with its offset;
 * its room-mates hear nothing of it. A client that stays away longer than the window comes back
 * as a new session, and its room-mates hear of its departure exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionRecoveryIntegrationTests {

    private static final String PREFIX = "recovery";
    private static final int GRACE_MS = 2_000;
    private static final int WINDOW_MS = 5_000;
    /** Longer than the grace: a departure that was going to be announced has been by then. */
    private static final Duration QUIET = Duration.ofMillis(GRACE_MS + 1_500);

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    private ProcessCluster nodes;
    private TestClientFactory clients;
    /** A port nothing listens on: a client sent there stays away. */
    private final String nowhere = "http://127.0.0.1:" + FreePorts.next();

    @BeforeAll
    void startCluster() {
        nodes = ProcessCluster.start(3, Map.of("REDIS_URL", REDIS.deployment().url(), "REDIS_KEY_PREFIX", PREFIX,
                "DEPARTURE_GRACE_MS", String.valueOf(GRACE_MS), "RECOVERY_WINDOW_MS", String.valueOf(WINDOW_MS)));
        clients = TestClientFactory.node();
    }

    @AfterAll
    void stopCluster() {
        if (clients != null) {
            clients.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    void shouldRecoverOnTheSameNodeWithTheRelaysSentMeanwhileInOrder() {
        recoverWithRelays("same", 0, 0);
    }

    @Test
    @Order(2)
    void shouldRecoverOnAnotherNodeWithTheRelaysSentMeanwhileInOrder() {
        recoverWithRelays("other", 0, 2);
    }

    private void recoverWithRelays(String roomId, int homeNode, int comebackNode) {
        RecoveringClient alice = clients.connectRecovering(nodes.url(homeNode), ClientOptions.of(ClientTransport.WEBSOCKET));
        TestClient bob = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
        join(alice, roomId, "alice");
        join(bob, roomId, "bob");
        alice.await("#rtcio:init-offer");
        alice.emit("media-state", Map.of("roomId", roomId, "mic", true, "cam", false));
        bob.await("media-state");
        String id = alice.socketId();

        alice.retarget(nowhere);
        alice.drop();
        awaitHeld(id);
        for (int i = 1; i <= 5; i++) {
            bob.emit("#rtcio:message", Map.of("target", id, "data", Map.of("seq", i)));
        }
        // All five are kept for her before she may come back: otherwise the last ones can arrive live.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((List<?>) Resp.call(
                REDIS.deployment().port(), "LRANGE", PREFIX + ":session:{" + id + "}:log", "0", "-1")).size() == 5);
        alice.retarget(nodes.url(comebackNode));
        long retargeted = System.nanoTime();

        RecoveringClient.Connect back = alice.awaitConnect(2, Duration.ofSeconds(10));
        awaitRelays(alice, 5);
        System.out.printf("recovery on node %d (dropped on node %d): connected again with 5 missed relays %d ms after"
                + " the node became reachable (client reconnection delay at most 500 ms)%n", comebackNode, homeNode,
                (System.nanoTime() - retargeted) / 1_000_000);
        assertThat(back.recovered()).as("socket.recovered").isTrue();
        assertThat(back.socketId()).isEqualTo(id);
        List<Received> relays = awaitRelays(alice, 5);
        assertThat(relays).extracting(r -> (Object) ((Map<?, ?>) r.payload().get("data")).get("seq")).containsExactly(1, 2, 3, 4, 5);
        assertThat(relays).allSatisfy(r -> {
            assertThat(r.payload()).containsEntry("source", bob.socketId());
            assertThat(r.args()).hasSize(2);
            assertThat(r.arg(1)).as("offset").isInstanceOf(String.class);
        });

        // After the recovery: relays both ways, and a newcomer finds alice as she was.
        alice.emit("#rtcio:message", Map.of("target", bob.socketId(), "data", "after"));
        assertThat(bob.await("#rtcio:message").payload()).containsEntry("source", id).containsEntry("data", "after");
        bob.emit("#rtcio:message", Map.of("target", id, "data", "again"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> alice.receivedSoFar("#rtcio:message").size() == 6);
        TestClient carol = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
        join(carol, roomId, "carol");
        assertThat(carol.receivedSoFar("user-connected")).extracting(Received::payload)
                .contains(Map.of("id", id, "name", "alice"));
        assertThat(carol.receivedSoFar("media-state")).extracting(Received::payload)
                .contains(Map.of("id", id, "roomId", roomId, "mic", true, "cam", false));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> alice.receivedSoFar("#rtcio:init-offer").stream()
                .anyMatch(r -> carol.socketId().equals(r.payload().get("source"))));
        assertThat(alice.receivedSoFar("user-connected")).extracting(r -> r.payload().get("id")).contains(carol.socketId());

        bob.expectNone("#rtcio:peer-left", QUIET);
        bob.expectNone("user-disconnected", Duration.ZERO);
        assertThat(bob.receivedSoFar("user-connected")).extracting(r -> r.payload().get("id"))
                .containsOnlyOnce(id).doesNotHaveDuplicates();
        assertThat(alice.receivedSoFar("user-connected")).extracting(r -> r.payload().get("id")).doesNotHaveDuplicates();
        List.of(alice, bob, carol).forEach(TestClient::close);
    }

    @Test
    @Order(3)
    void shouldStartANewSessionAfterTheWindowAndAnnounceTheDepartureOnce() {
        RecoveringClient alice = clients.connectRecovering(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
        TestClient bob = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
        join(alice, "late", "alice");
        join(bob, "late", "bob");
        String id = alice.socketId();

        alice.retarget(nowhere);
        alice.drop();
        awaitHeld(id);
        bob.expectNone("#rtcio:peer-left", Duration.ofMillis(GRACE_MS / 2));
        assertThat(bob.await("#rtcio:peer-left", Duration.ofMillis(GRACE_MS + 5_000)).payload()).containsEntry("id", id);
        assertThat(bob.await("user-disconnected").payload()).containsEntry("id", id);
        Awaitility.await().atMost(Duration.ofMillis(WINDOW_MS + 5_000))
                .until(() -> Resp.call(REDIS.deployment().port(), "EXISTS", PREFIX + ":session:{" + id + "}").equals(0L));
        alice.retarget(nodes.url(1));

        RecoveringClient.Connect back = alice.awaitConnect(2, Duration.ofSeconds(10));
        assertThat(back.recovered()).as("socket.recovered").isFalse();
        assertThat(back.socketId()).isNotEqualTo(id);
        bob.expectNone("#rtcio:peer-left", Duration.ofSeconds(1));
        assertThat(bob.receivedSoFar("#rtcio:peer-left")).hasSize(1);
        assertThat(bob.receivedSoFar("user-disconnected")).hasSize(1);
        List.of(alice, bob).forEach(TestClient::close);
    }

    @Test
    @Order(4)
    void shouldRecoverOnASurvivorAfterKillMinusNineOfTheHoldingNode() {
        RecoveringClient alice = clients.connectRecovering(nodes.url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
        TestClient bob = clients.connect(nodes.url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
        join(alice, "crash", "alice");
        join(bob, "crash", "bob");
        alice.await("#rtcio:init-offer");
        String id = alice.socketId();

        alice.retarget(nowhere);
        nodes.node(0).kill();
        alice.awaitDisconnect();
        // Redis has seen the dead node's connection go: a publish to it now reaches nobody.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ((List<?>) Resp.call(REDIS.deployment().port(),
                "PUBSUB", "NUMSUB", PREFIX + ":node:{proc-1}:bus")).get(1).equals(0L));
        for (int i = 1; i <= 3; i++) {
            bob.emit("#rtcio:message", Map.of("target", id, "data", Map.of("seq", i)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ((List<?>) Resp.call(REDIS.deployment().port(),
                "LRANGE", PREFIX + ":session:{" + id + "}:log", "0", "-1")).size() == 3);
        alice.retarget(nodes.url(2));
        long retargeted = System.nanoTime();

        RecoveringClient.Connect back = alice.awaitConnect(2, Duration.ofSeconds(10));
        assertThat(back.recovered()).as("socket.recovered").isTrue();
        assertThat(back.socketId()).isEqualTo(id);
        assertThat(awaitRelays(alice, 3)).extracting(r -> (Object) ((Map<?, ?>) r.payload().get("data")).get("seq"))
                .containsExactly(1, 2, 3);
        System.out.printf("kill -9: recovered on a survivor with 3 missed relays %d ms after it became reachable%n",
                (System.nanoTime() - retargeted) / 1_000_000);
        alice.emit("#rtcio:message", Map.of("target", bob.socketId(), "data", "after"));
        assertThat(bob.await("#rtcio:message").payload()).containsEntry("source", id);
        bob.emit("#rtcio:message", Map.of("target", id, "data", "again"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> alice.receivedSoFar("#rtcio:message").size() == 4);

        // The reaper finds the dead node (lease 6 s) and gives its sockets the grace: nobody departs.
        bob.expectNone("#rtcio:peer-left", Duration.ofSeconds(6).plus(QUIET).plusSeconds(2));
        bob.expectNone("user-disconnected", Duration.ZERO);
        assertThat(nodes.metric("signaling_recovery_sessions_total", "outcome=\"recovered\""))
                .as("recoveries counted by the survivors").isGreaterThanOrEqualTo(1);
        List.of(alice, bob).forEach(TestClient::close);
    }

    private static void join(TestClient client, String roomId, String name) {
        client.emit("join-room", Map.of("roomId", roomId, "name", name));
        client.await("join-ok");
    }

    /** The node noticed the drop: the session has a TTL (it is held). */
    private static void awaitHeld(String socketId) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> (Long) Resp.call(REDIS.deployment().port(),
                "PTTL", PREFIX + ":session:{" + socketId + "}") > 0);
    }

    private static List<Received> awaitRelays(TestClient client, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.receivedSoFar("#rtcio:message").size() >= count);
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
        List<Received> relays = client.receivedSoFar("#rtcio:message");
        assertThat(relays).as("relays received, each once").hasSize(count);
        return relays;
    }
}
