package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.cluster.redis.Resp;
import io.rtcio.node.SignalingNode;
import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.FreePorts;
import io.rtcio.node.harness.PausingBackend;
import io.rtcio.node.harness.PausingBackend.Step;
import io.rtcio.node.harness.PausingBackend.Trap;
import io.rtcio.node.harness.PausingBackend.When;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dangerous interleavings of joins and departures on two nodes sharing one Redis, forced by
 * holding one node's registry step while the other node acts. In each, the rules of membership
 * announcements hold: a peer introduced to X hears of X's departure exactly once, a peer is never
 * introduced to a socket that had already left, and overlapping members meet exactly once.
 */
class MembershipInterleavingIntegrationTests {

    private static final String ROOM = "call";
    private static final Duration QUIET = Duration.ofMillis(700);

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    private final List<SignalingNode> nodes = new ArrayList<>();
    private final List<PausingBackend> backends = new ArrayList<>();
    private TestClientFactory clients;
    private String prefix;

    @BeforeEach
    void startTwoNodes() {
        prefix = "interleave-" + System.nanoTime();
        for (int i = 1; i <= 2; i++) {
            startNode("node-" + i);
        }
        clients = TestClientFactory.java();
    }

    @AfterEach
    void stop() {
        clients.close();
        nodes.forEach(SignalingNode::close);
        backends.forEach(PausingBackend::close);
    }

    @Test
    void shouldTellAJoinerOfADepartureWhoseLeaveFollowsItsSnapshot() {
        TestClient member = joined(1, "mia");
        TestClient leaver = joined(0, "xavi");
        Trap held = backends.get(0).arm(Step.LEAVE, When.BEFORE, leaver.socketId());

        leaver.kill();
        held.awaitReached();
        TestClient joiner = joined(1, "jo");
        assertThat(introducedTo(joiner)).containsExactlyInAnyOrder(member.socketId(), leaver.socketId());
        held.release();

        assertDepartedOnce(member, leaver.socketId());
        assertDepartedOnce(joiner, leaver.socketId());
    }

    @Test
    void shouldNeverIntroduceAJoinerToASocketThatAlreadyLeft() {
        TestClient member = joined(1, "mia");
        TestClient leaver = joined(0, "xavi");
        Trap held = backends.get(0).arm(Step.LEAVE, When.AFTER, leaver.socketId());

        leaver.kill();
        held.awaitReached();
        TestClient joiner = joined(1, "jo");
        held.release();

        assertDepartedOnce(member, leaver.socketId());
        assertThat(introducedTo(joiner)).containsExactly(member.socketId());
        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() ->
                joiner.receivedSoFar("user-disconnected").isEmpty() && joiner.receivedSoFar("#rtcio:peer-left").isEmpty());
    }

    @Test
    void shouldDeliverADepartureThatOvertookTheJoinersBackfillAfterIt() {
        TestClient leaver = joined(0, "xavi");
        TestClient joiner = clients.connect(url(1), ClientOptions.of(ClientTransport.WEBSOCKET));
        Trap held = backends.get(1).arm(Step.JOIN, When.AFTER, joiner.socketId());

        joiner.emit("join-room", Map.of("roomId", ROOM, "name", "jo"));
        held.awaitReached();
        leaver.kill();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> leftRegistry(leaver.socketId()));
        held.release();

        joiner.await("join-ok");
        assertDepartedOnce(joiner, leaver.socketId());
        List<String> order = joiner.receivedSoFar().stream()
                .filter(r -> leaver.socketId().equals(r.payload().get("id")))
                .map(Received::event)
                .toList();
        assertThat(order).containsExactly("user-connected", "#rtcio:peer-left", "user-disconnected");
    }

    @Test
    void shouldIntroduceConcurrentJoinersOnDifferentNodesExactlyOnce() {
        TestClient first = clients.connect(url(0), ClientOptions.of(ClientTransport.WEBSOCKET));
        Trap held = backends.get(0).arm(Step.JOIN, When.AFTER, first.socketId());
        first.emit("join-room", Map.of("roomId", ROOM, "name", "ann"));
        held.awaitReached();
        TestClient second = joined(1, "ben");
        held.release();

        first.await("join-ok");
        assertThat(first.await("#rtcio:init-offer").payload()).containsEntry("source", second.socketId());
        assertThat(introducedTo(second)).containsExactly(first.socketId());
        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> introducedTo(first).size() == 1);
        assertThat(introducedTo(first)).containsExactly(second.socketId());
        second.expectNone("#rtcio:init-offer", QUIET);
    }

    @Test
    void shouldIntroduceMembersWhoMetWhileTheSharedStateWasLost() {
        TestClient early = joined(0, "ann");
        TestClient other = joined(1, "ben");
        Resp.call(REDIS.deployment().port(), "FLUSHALL");

        TestClient late = joined(1, "cat");

        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(introducedTo(late)).containsExactlyInAnyOrder(early.socketId(), other.socketId());
            assertThat(introducedTo(early)).containsExactlyInAnyOrder(other.socketId(), late.socketId());
            assertThat(introducedTo(other)).containsExactlyInAnyOrder(early.socketId(), late.socketId());
        });
        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> introducedTo(early).size() == 2);
        assertThat(introducedTo(late)).doesNotHaveDuplicates();
        assertThat(introducedTo(early)).doesNotHaveDuplicates();
        assertThat(introducedTo(other)).doesNotHaveDuplicates();
        // Whoever learnt of the late joiner offers to it: each pair negotiates from one side only.
        assertThat(offersBetween(early, late) + offersBetween(late, early)).isEqualTo(1);
        assertThat(offersBetween(other, late) + offersBetween(late, other)).isEqualTo(1);
    }

    @Test
    void shouldAnnounceADepartureOwedWhileRedisWasAwayOnceItIsBack() {
        TestClient remote = joined(1, "mia");
        TestClient local = joined(0, "lou");
        TestClient leaver = joined(0, "xavi");
        RedisServer redis = REDIS.deployment();

        redis.kill();
        leaver.kill();
        assertDepartedOnce(local, leaver.socketId());
        redis.restart();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                !remote.receivedSoFar("user-disconnected").isEmpty());
        assertDepartedOnce(remote, leaver.socketId());
        assertDepartedOnce(local, leaver.socketId());
        TestClient next = joined(1, "neo");
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(introducedTo(next)).containsExactlyInAnyOrder(remote.socketId(), local.socketId()));
    }

    // ---- helpers ----

    private void startNode(String nodeId) {
        RedisServer redis = REDIS.deployment();
        NodeConfig config = ConfigLoader.from(Map.of(
                "BIND_ADDRESS", "127.0.0.1",
                "NODE_ID", nodeId,
                "PORT", Integer.toString(FreePorts.next()),
                "MANAGEMENT_PORT", Integer.toString(FreePorts.next()),
                "REDIS_URL", redis.url(),
                "REDIS_KEY_PREFIX", prefix,
                "CLUSTER_HEARTBEAT_MS", "500",
                "CLUSTER_LEASE_MS", "2000"));
        PausingBackend backend = new PausingBackend(ClusterBackend.create(new ClusterConfig(nodeId, config.redisUrl(),
                config.keyPrefix(), config.heartbeat(), config.lease())));
        backends.add(backend);
        nodes.add(SignalingNode.start(config, backend));
    }

    private String url(int index) {
        return "http://127.0.0.1:" + nodes.get(index).config().port();
    }

    private TestClient joined(int node, String name) {
        TestClient client = clients.connect(url(node), ClientOptions.of(ClientTransport.WEBSOCKET));
        client.emit("join-room", Map.of("roomId", ROOM, "name", name));
        client.await("join-ok");
        return client;
    }

    private boolean leftRegistry(String socketId) {
        Object members = Resp.call(REDIS.deployment().port(), "HKEYS", prefix + ":room:{" + ROOM + "}:members");
        return !((List<?>) members).contains(socketId);
    }

    private static List<Object> introducedTo(TestClient client) {
        return client.receivedSoFar("user-connected").stream().map(r -> r.payload().get("id")).toList();
    }

    private static long offersBetween(TestClient offerer, TestClient answerer) {
        return offerer.receivedSoFar("#rtcio:init-offer").stream()
                .filter(r -> answerer.socketId().equals(r.payload().get("source")))
                .count();
    }

    private static void assertDepartedOnce(TestClient peer, String leaverId) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> departures(peer, leaverId, "user-disconnected") > 0);
        // ... and no second one follows.
        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() ->
                departures(peer, leaverId, "user-disconnected") == 1 && departures(peer, leaverId, "#rtcio:peer-left") == 1);
    }

    private static long departures(TestClient peer, String leaverId, String event) {
        return peer.receivedSoFar(event).stream().filter(r -> leaverId.equals(r.payload().get("id"))).count();
    }
}
