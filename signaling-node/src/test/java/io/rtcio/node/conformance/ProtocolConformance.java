package io.rtcio.node.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.Maps;
import io.rtcio.node.harness.TestNodes;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every row of PROTOCOL.md, driven by real socket.io clients, over both transports. Concrete
 * classes choose the clients (npm socket.io-client, Java client) and the cluster (one node, three
 * nodes); peers of a room are spread over the nodes, so each rule is checked across nodes too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProtocolConformance {

    protected static final String TURN_SECRET = "conformance-secret";
    protected static final Duration QUIET = Duration.ofMillis(300);

    private TestNodes cluster;
    private TestClientFactory clients;
    private final List<TestClient> peers = new ArrayList<>();
    private int nextPeer;

    /** The clients to drive the nodes with. */
    protected abstract TestClientFactory newClients();

    /** The cluster under test, started with {@code env}. */
    protected abstract TestNodes newCluster(Map<String, String> env);

    @BeforeAll
    void startCluster() {
        cluster = newCluster(Map.of("TURN_SECRET", TURN_SECRET, "TURN_HOST", "turn.test", "MAX_PEERS", "8",
                "ROOM_ALLOW_LIST_FILE", roomAllowList()));
        clients = newClients();
    }

    @AfterAll
    void stopCluster() {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closePeers() {
        peers.forEach(TestClient::close);
        peers.clear();
    }

    protected TestNodes cluster() {
        return cluster;
    }

    /** A new peer on the next node (round-robin), so consecutive peers sit on different nodes. */
    protected TestClient peer(ClientTransport transport) {
        TestClient peer = clients.connect(cluster.urlFor(nextPeer++), ClientOptions.of(transport));
        peers.add(peer);
        return peer;
    }

    protected static String newRoom() {
        return "room-" + UUID.randomUUID();
    }

    protected static Map<String, Object> map(Object... keyValues) {
        return Maps.map(keyValues);
    }

    protected static void join(TestClient peer, String room, String name) {
        peer.emit("join-room", map("roomId", room, "name", name));
        assertThat(peer.await("join-ok").payload()).containsEntry("roomId", room);
    }

    protected static void expectError(TestClient peer, String code) {
        assertThat(peer.await("error").payload()).containsEntry("code", code);
    }

    // ---------------------------------------------------------------- transport

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldConnectWithPublicIdAndFinishOnWebSocket(ClientTransport transport) {
        TestClient a = peer(transport);
        assertThat(a.socketId()).matches("[A-Za-z0-9_-]{20}");
        a.awaitTransport("websocket");
        assertThat(a.isConnected()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldGiveEverySocketADistinctId(ClientTransport transport) {
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        TestClient c = peer(transport);
        assertThat(List.of(a.socketId(), b.socketId(), c.socketId())).doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- join-room

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldBackfillMembersAndMediaStatesBeforeJoinOk(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        a.emit("media-state", map("roomId", room, "mic", true, "cam", false));
        // A socket's events are handled in order: once its check is answered, its state is cached.
        a.emit("check-room", map("roomId", room));
        a.await("room-check-ok");
        join(b, room, "bob");
        assertThat(b.await("media-state").payload()).containsEntry("id", a.socketId());
        TestClient c = peer(transport);
        c.emit("join-room", map("roomId", room, "name", "carol"));
        c.await("join-ok");
        List<Received> introduced = c.receivedSoFar("user-connected");
        assertThat(introduced).extracting(Received::payload)
                .containsExactly(map("id", a.socketId(), "name", "alice"), map("id", b.socketId(), "name", "bob"));
        assertThat(c.receivedSoFar("media-state")).extracting(Received::payload)
                .containsExactly(map("id", a.socketId(), "roomId", room, "mic", true, "cam", false));
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldIntroduceNewcomerAndAskMembersToOffer(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        assertThat(a.await("user-connected").payload()).isEqualTo(map("id", b.socketId(), "name", "bob"));
        assertThat(a.await("#rtcio:init-offer").payload()).isEqualTo(map("source", b.socketId()));
        assertThat(b.receivedSoFar("user-connected")).extracting(Received::payload)
                .containsExactly(map("id", a.socketId(), "name", "alice"));
        b.expectNone("#rtcio:init-offer", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldTreatJoiningTwiceAsNoOpApartFromJoinOk(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        a.await("user-connected");
        a.await("#rtcio:init-offer");
        join(b, room, "bob");
        a.expectNone("user-connected", Duration.ZERO);
        a.expectNone("#rtcio:init-offer", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseInvalidJoinPayloads(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        List<Object[]> cases = List.of(
                new Object[] {map("name", "x"), "invalid-room"},
                new Object[] {map("roomId", "", "name", "x"), "invalid-room"},
                new Object[] {map("roomId", 42, "name", "x"), "invalid-room"},
                new Object[] {map("roomId", "r".repeat(129), "name", "x"), "invalid-room"},
                new Object[] {map("roomId", room, "name", 7), "invalid-payload"},
                new Object[] {map("roomId", room, "name", "n".repeat(65)), "invalid-payload"},
                new Object[] {map("roomId", room, "password", List.of()), "invalid-payload"},
                new Object[] {"just a string", "invalid-payload"});
        for (Object[] bad : cases) {
            b.emit("join-room", bad[0]);
            expectError(b, (String) bad[1]);
            assertThat(b.await("join-error").payload()).containsEntry("reason", bad[1]);
        }
        a.expectNone("user-connected", QUIET);
        join(b, room, "bob");
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldEnforceTheRoomLimitAcrossNodes(ClientTransport transport) {
        String room = newRoom();
        for (int i = 0; i < 8; i++) {
            join(peer(transport), room, "p" + i);
        }
        TestClient ninth = peer(transport);
        ninth.emit("join-room", map("roomId", room, "name", "late"));
        assertThat(ninth.await("error").payload()).containsEntry("code", "room-full").containsEntry("roomId", room);
        assertThat(ninth.await("join-error").payload()).isEqualTo(map("reason", "room-full", "roomId", room));
        ninth.emit("check-room", map("roomId", room));
        assertThat(ninth.await("join-error").payload()).containsEntry("reason", "room-full");
    }

    // ---------------------------------------------------------------- passwords and check-room

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldProtectRoomWithFirstJoinersPassword(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        a.emit("join-room", map("roomId", room, "name", "alice", "password", "s3cret"));
        a.await("join-ok");

        b.emit("check-room", map("roomId", room));
        assertThat(b.await("room-check-ok").payload()).isEqualTo(map("roomId", room, "passwordRequired", true));
        b.emit("join-room", map("roomId", room, "name", "bob"));
        expectError(b, "password-required");
        assertThat(b.await("join-error").payload()).isEqualTo(map("reason", "password-required", "roomId", room));
        b.emit("join-room", map("roomId", room, "name", "bob", "password", "wrong"));
        expectError(b, "wrong-password");
        assertThat(b.await("join-error").payload()).isEqualTo(map("reason", "wrong-password", "roomId", room));
        a.expectNone("user-connected", Duration.ZERO);
        b.emit("join-room", map("roomId", room, "name", "bob", "password", "s3cret"));
        b.await("join-ok");
        a.await("user-connected");
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldDropThePasswordWhenTheRoomEmpties(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        a.emit("join-room", map("roomId", room, "name", "alice", "password", "s3cret"));
        a.await("join-ok");
        a.emit("leave-room", map("roomId", room));
        // A socket's events are handled in order: its own check sees its leave done.
        a.emit("check-room", map("roomId", room));
        assertThat(a.await("room-check-ok").payload()).containsEntry("passwordRequired", false);
        TestClient b = peer(transport);
        b.emit("check-room", map("roomId", room));
        assertThat(b.await("room-check-ok").payload()).isEqualTo(map("roomId", room, "passwordRequired", false));
        join(b, room, "bob");
        assertThat(b.receivedSoFar("user-connected")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldReportAnUnknownRoomAsOpen(ClientTransport transport) {
        TestClient a = peer(transport);
        String room = newRoom();
        a.emit("check-room", map("roomId", room));
        assertThat(a.await("room-check-ok").payload()).isEqualTo(map("roomId", room, "passwordRequired", false));
        a.emit("check-room", map("roomId", ""));
        expectError(a, "invalid-room");
        assertThat(a.await("join-error").payload()).containsEntry("reason", "invalid-room");
    }

    // ---------------------------------------------------------------- relay

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRelayEnvelopeWithSourceSetBySender(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        Map<String, Object> offer = map("type", "offer", "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "extra", null);
        b.emit("#rtcio:message", map("source", a.socketId(), "target", a.socketId(), "data", offer));
        Received relayed = a.await("#rtcio:message");
        assertThat(relayed.payload()).isEqualTo(map("source", b.socketId(), "target", a.socketId(), "data", offer));
        b.expectNone("#rtcio:message", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldKeepOrderBetweenOneSenderAndOneTarget(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        int count = 40;
        b.emit("#rtcio:message", map("target", a.socketId(), "data", map("type", "offer", "sdp", "o")));
        for (int i = 0; i < count; i++) {
            b.emit("#rtcio:message", map("target", a.socketId(), "data", map("candidate", "c" + i, "sdpMid", "0")));
        }
        b.emit("#rtcio:message", map("target", a.socketId(), "data", map("candidate", "")));
        assertThat(a.await("#rtcio:message").payload().get("data")).isEqualTo(map("type", "offer", "sdp", "o"));
        for (int i = 0; i < count; i++) {
            assertThat(a.await("#rtcio:message").payload().get("data")).isEqualTo(map("candidate", "c" + i, "sdpMid", "0"));
        }
        assertThat(a.await("#rtcio:message").payload().get("data")).isEqualTo(map("candidate", ""));
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldDropRelayToUnknownTargetSilentlyAndCountIt(ClientTransport transport) {
        TestClient b = peer(transport);
        double before = droppedRelays();
        b.emit("#rtcio:message", map("target", "no-such-socket-00000", "data", map("x", 1)));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> droppedRelays() > before);
        b.expectNone("error", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseRelayWithoutTarget(ClientTransport transport) {
        TestClient a = peer(transport);
        a.emit("#rtcio:message", map("data", map("x", 1)));
        expectError(a, "invalid-payload");
        a.emit("#rtcio:message", map("target", 12, "data", map("x", 1)));
        expectError(a, "invalid-payload");
        a.emit("#rtcio:message", "not an object");
        expectError(a, "invalid-payload");
    }

    private double droppedRelays() {
        return cluster.droppedRelays();
    }

    // ---------------------------------------------------------------- leave-room and disconnect

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldTellTheRoomWhenAMemberLeavesAndForgetItsMediaState(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        b.emit("media-state", map("roomId", room, "mic", false, "cam", true));
        a.await("media-state");
        b.emit("leave-room", map("roomId", room));
        assertThat(a.await("user-disconnected").payload()).isEqualTo(map("id", b.socketId()));
        a.expectNone("#rtcio:peer-left", Duration.ZERO);
        TestClient c = peer(transport);
        join(c, room, "carol");
        assertThat(c.receivedSoFar("user-connected")).extracting(Received::payload)
                .containsExactly(map("id", a.socketId(), "name", "alice"));
        assertThat(c.receivedSoFar("media-state")).isEmpty();
        b.emit("media-state", map("roomId", room, "mic", true, "cam", true));
        expectError(b, "not-in-room");
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseLeavingARoomOneIsNotIn(ClientTransport transport) {
        TestClient a = peer(transport);
        a.emit("leave-room", map("roomId", newRoom()));
        expectError(a, "not-in-room");
        a.emit("leave-room", map("roomId", 5));
        expectError(a, "invalid-room");
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldAnnouncePeerLeftAndUserDisconnectedOnCleanDisconnect(ClientTransport transport) {
        assertDisconnectIsAnnounced(transport, false);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldAnnouncePeerLeftAndUserDisconnectedWhenTransportDrops(ClientTransport transport) {
        assertDisconnectIsAnnounced(transport, true);
    }

    private void assertDisconnectIsAnnounced(ClientTransport transport, boolean abrupt) {
        String room = newRoom();
        String other = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        TestClient c = peer(transport);
        b.emit("join-room", map("roomId", room, "name", "bob", "password", "pw"));
        b.await("join-ok");
        a.emit("join-room", map("roomId", room, "name", "alice", "password", "pw"));
        a.await("join-ok");
        join(b, other, "bob");
        join(c, other, "carol");
        b.emit("media-state", map("roomId", room, "mic", true, "cam", true));
        a.await("media-state");
        if (abrupt) {
            b.kill();
        } else {
            b.disconnect();
        }
        assertThat(a.await("#rtcio:peer-left").payload()).isEqualTo(map("id", b.socketId()));
        assertThat(a.await("user-disconnected").payload()).isEqualTo(map("id", b.socketId()));
        assertThat(c.await("#rtcio:peer-left").payload()).isEqualTo(map("id", b.socketId()));
        assertThat(c.await("user-disconnected").payload()).isEqualTo(map("id", b.socketId()));
        a.emit("leave-room", map("roomId", room));
        a.emit("check-room", map("roomId", room));
        assertThat(a.await("room-check-ok").payload()).containsEntry("passwordRequired", false);
        TestClient d = peer(transport);
        d.emit("check-room", map("roomId", room));
        assertThat(d.await("room-check-ok").payload()).containsEntry("passwordRequired", false);
        join(d, room, "dave");
        assertThat(d.receivedSoFar("media-state")).isEmpty();
        assertThat(d.receivedSoFar("user-connected")).isEmpty();
    }

    // ---------------------------------------------------------------- media-state, screen share, chat

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldBroadcastMediaStateAsSentWithServerSetId(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        a.emit("media-state", map("roomId", room, "mic", true, "cam", false, "screen", "on", "id", "spoofed"));
        assertThat(b.await("media-state").payload())
                .isEqualTo(map("roomId", room, "mic", true, "cam", false, "screen", "on", "id", a.socketId()));
        a.expectNone("media-state", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldCacheOnlyBooleanMediaStates(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        a.emit("media-state", map("roomId", room, "mic", "loud", "cam", false));
        assertThat(b.await("media-state").payload()).containsEntry("mic", "loud");
        TestClient c = peer(transport);
        join(c, room, "carol");
        assertThat(c.receivedSoFar("media-state")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseRoomEventsFromNonMembers(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient outsider = peer(transport);
        join(a, room, "alice");
        outsider.emit("media-state", map("roomId", room, "mic", true, "cam", true));
        assertThat(outsider.await("error").payload()).containsEntry("code", "not-in-room").containsEntry("roomId", room)
                .containsEntry("event", "media-state");
        outsider.emit("stopScreenShare", map("roomId", room));
        expectError(outsider, "not-in-room");
        outsider.emit("chat-message", map("roomId", room, "text", "spam"));
        expectError(outsider, "not-in-room");
        a.expectNone("media-state", QUIET);
        a.expectNone("stopScreenShare", Duration.ZERO);
        a.expectNone("chat-message", Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldPassStopScreenShareToTheRestOfTheRoom(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        a.emit("stopScreenShare", map("roomId", room, "trackId", "t1"));
        assertThat(b.await("stopScreenShare").payload()).isEqualTo(map("roomId", room, "trackId", "t1", "id", a.socketId()));
        a.expectNone("stopScreenShare", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldStampChatWithSenderAndServerTime(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        long before = System.currentTimeMillis();
        a.emit("chat-message", map("roomId", room, "text", "hello", "from", "mallory", "color", "red"));
        Map<String, Object> chat = b.await("chat-message").payload();
        assertThat(chat).containsEntry("roomId", room).containsEntry("text", "hello").containsEntry("color", "red")
                .containsEntry("from", a.socketId());
        assertThat(((Number) chat.get("at")).longValue()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        a.expectNone("chat-message", QUIET);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseBadChatText(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        a.emit("chat-message", map("roomId", room, "text", "x".repeat(1001)));
        expectError(a, "invalid-payload");
        a.emit("chat-message", map("roomId", room, "text", 12));
        expectError(a, "invalid-payload");
        a.emit("chat-message", map("roomId", room, "text", "x".repeat(1000)));
        assertThat(b.await("chat-message").payload().get("text")).isEqualTo("x".repeat(1000));
        b.expectNone("chat-message", QUIET);
    }

    // ---------------------------------------------------------------- ask-ice and unknown events

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldAnswerAskIceWithCoturnRestCredentials(ClientTransport transport) throws Exception {
        TestClient a = peer(transport);
        long now = System.currentTimeMillis() / 1000;
        List<Object> ack = a.emitWithAck("ask-ice");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> servers = (List<Map<String, Object>>) ((Map<String, Object>) ack.get(0)).get("iceServers");
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0).get("urls")).isEqualTo(List.of("stun:turn.test:3478"));
        Map<String, Object> turn = servers.get(1);
        assertThat(turn.get("urls")).isEqualTo(List.of("turn:turn.test:3478?transport=udp",
                "turn:turn.test:3478?transport=tcp", "turns:turn.test:5349?transport=tcp"));
        String username = (String) turn.get("username");
        assertThat(Long.parseLong(username)).isBetween(now + 590, now + 610);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        assertThat(turn.get("credential")).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseUnknownEventsWithoutDisturbingAnyone(ClientTransport transport) {
        String room = newRoom();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        join(b, room, "bob");
        b.emit("definitely-not-an-event", map("roomId", room));
        assertThat(b.await("error").payload()).containsEntry("code", "invalid-payload")
                .containsEntry("event", "definitely-not-an-event");
        a.expectNone("definitely-not-an-event", QUIET);
        b.emit("#rtcio:message", map("target", a.socketId(), "data", "still works"));
        assertThat(a.await("#rtcio:message").payload()).containsEntry("data", "still works");
    }

    // ---------------------------------------------------------------- access policy and rate limit

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseRoomsOutsideTheAccessPolicyWithForbidden(ClientTransport transport) {
        String room = newRoom();
        String closed = "closed-" + UUID.randomUUID();
        TestClient a = peer(transport);
        TestClient b = peer(transport);
        join(a, room, "alice");
        b.emit("join-room", map("roomId", closed, "name", "bob"));
        assertThat(b.await("error").payload()).containsEntry("code", "forbidden").containsEntry("roomId", closed)
                .containsEntry("event", "join-room");
        assertThat(b.await("join-error").payload()).isEqualTo(map("reason", "forbidden", "roomId", closed));
        b.emit("check-room", map("roomId", closed));
        assertThat(b.await("join-error").payload()).isEqualTo(map("reason", "forbidden", "roomId", closed));
        join(b, room, "bob");
        assertThat(a.await("user-connected").payload()).isEqualTo(map("id", b.socketId(), "name", "bob"));
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseEventsOverTheRateLimitAndServeTheSocketAgainAfterwards(ClientTransport transport) {
        TestClient a = peer(transport);
        int sent = 400;
        for (int i = 0; i < sent; i++) {
            a.emit("check-room", map("roomId", "room-burst-" + i));
        }
        assertThat(a.await("error").payload()).containsEntry("code", "rate-limited").containsEntry("event", "check-room");
        String after = newRoom();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            a.emit("check-room", map("roomId", after));
            return a.receivedSoFar("room-check-ok").stream().anyMatch(r -> after.equals(r.payload().get("roomId")));
        });
        List<String> answered = a.receivedSoFar("room-check-ok").stream()
                .map(r -> String.valueOf(r.payload().get("roomId")))
                .filter(room -> room.startsWith("room-burst-")).toList();
        // Burst 150 (the CONNECT took one; with an upgrade its 2probe ping may take another, as every
        // ping does), then 2 s of the rate (100) held and answered late.
        int first = transport == ClientTransport.POLLING_UPGRADE ? 248 : 249;
        assertThat(answered).as("answered of %s sent at once", sent).hasSizeBetween(first, sent - 1);
        List<Integer> order = answered.stream().map(room -> Integer.parseInt(room.substring("room-burst-".length()))).toList();
        assertThat(order).as("held events are not reordered").isSorted().doesNotHaveDuplicates()
                .as("the burst and the backlog are the first ones sent")
                .containsAll(IntStream.range(0, first).boxed().toList());
        assertThat(a.receivedSoFar("error")).as("a few errors, not one per refused event").hasSizeLessThanOrEqualTo(5);
        assertThat(a.isConnected()).isTrue();
    }

    /** Rooms the suite's nodes let anyone join: every room the suite uses, none of {@code closed-*}. */
    private static String roomAllowList() {
        try {
            Path file = Files.createTempFile("conformance-rooms", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# the conformance suite's rooms\nroom-*\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For subclasses on Redis: the suite's settings plus {@code REDIS_URL} and a key prefix of their own. */
    protected static Map<String, String> onRedis(Map<String, String> env, String redisUrl, String keyPrefix) {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("REDIS_URL", redisUrl);
        vars.put("REDIS_KEY_PREFIX", keyPrefix);
        return vars;
    }
}
