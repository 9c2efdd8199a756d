package io.rtcio.node.security;

import static io.rtcio.node.harness.Maps.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ConnectError;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.RawWebSocket;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * JWT authentication on the CONNECT {@code auth} payload with real socket.io-client 4.8 peers on
 * two nodes: the exact {@code connect_error} messages, the token's {@code sub} as the chat sender,
 * room grants from the token's {@code rooms} claim, and a refused session closed by the server.
 */
class AuthenticationIntegrationTests {

    private static final String AUDIENCE = "rtcio-test";

    private static NodeCluster cluster;
    private static TestClientFactory clients;
    private final List<TestClient> peers = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = NodeCluster.start(2, Map.of("JWT_SECRET", Tokens.SECRET, "JWT_AUDIENCE", AUDIENCE));
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

    private static JWTClaimsSet.Builder claims(String user, Object rooms) {
        JWTClaimsSet.Builder claims = Tokens.claims(user).audience(AUDIENCE).claim("name", user.toUpperCase());
        return rooms == null ? claims : claims.claim("rooms", rooms);
    }

    private static ClientOptions withToken(ClientTransport transport, String token) {
        return ClientOptions.of(transport).withAuth(Map.of("token", token));
    }

    private TestClient connect(int node, String token) {
        TestClient peer = clients.connect(cluster.url(node), withToken(ClientTransport.WEBSOCKET, token));
        peers.add(peer);
        return peer;
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseAClientWithoutATokenWithMissingToken(ClientTransport transport) {
        ConnectError none = clients.connectExpectingError(cluster.url(0), ClientOptions.of(transport));
        ConnectError empty = clients.connectExpectingError(cluster.url(1), ClientOptions.of(transport).withAuth(Map.of()));

        assertThat(none.message()).isEqualTo("missing token");
        assertThat(none.data()).isEqualTo(Map.of("code", "missing-token"));
        assertThat(empty.message()).isEqualTo("missing token");
    }

    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void shouldRefuseBadTokensWithInvalidToken(ClientTransport transport) {
        Date past = Date.from(Instant.now().minus(Duration.ofMinutes(10)));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("bad signature", Tokens.hs256("some-other-secret-0123456789-abcd", claims("mallory", null).build()));
        bad.put("expired", Tokens.hs256(claims("mallory", null).expirationTime(past).build()));
        bad.put("wrong audience", Tokens.hs256(claims("mallory", null).audience("another-app").build()));
        bad.put("malformed", "eyJhbGciOiJIUzI1NiJ9.not-json.sig");
        bad.forEach((what, token) -> {
            ConnectError error = clients.connectExpectingError(cluster.url(0), withToken(transport, token));
            assertThat(error.message()).as(what).isEqualTo("invalid token");
            assertThat(error.data()).as(what).isEqualTo(Map.of("code", "invalid-token"));
        });
    }

    @Test
    void shouldAdmitAValidTokenAndStampItsSubjectAsTheChatSender() {
        TestClient alice = connect(0, Tokens.hs256(claims("alice", List.of("team-*")).build()));
        TestClient bob = connect(1, Tokens.hs256(claims("bob", "team-red lobby").build()));
        alice.emit("join-room", map("roomId", "team-red", "name", "Alice"));
        alice.await("join-ok");
        bob.emit("join-room", map("roomId", "team-red", "name", "Bob"));
        bob.await("join-ok");

        alice.emit("chat-message", map("roomId", "team-red", "text", "hi", "from", "someone-else"));

        Map<String, Object> chat = bob.await("chat-message").payload();
        assertThat(chat).containsEntry("from", "alice").containsEntry("text", "hi");
        assertThat(alice.socketId()).isNotEqualTo("alice");
    }

    @Test
    void shouldForbidRoomsTheTokenDoesNotGrant() {
        TestClient carol = connect(0, Tokens.hs256(claims("carol", List.of("lobby", "team-blue-*")).build()));
        TestClient dave = connect(1, Tokens.hs256(claims("dave", null).build()));

        carol.emit("join-room", map("roomId", "team-red", "name", "Carol"));
        assertThat(carol.await("error").payload()).containsEntry("code", "forbidden").containsEntry("roomId", "team-red")
                .containsEntry("event", "join-room");
        assertThat(carol.await("join-error").payload()).isEqualTo(map("reason", "forbidden", "roomId", "team-red"));
        carol.emit("check-room", map("roomId", "team-red"));
        assertThat(carol.await("join-error").payload()).containsEntry("reason", "forbidden");
        carol.emit("join-room", map("roomId", "team-blue-1", "name", "Carol"));
        carol.await("join-ok");

        dave.emit("join-room", map("roomId", "lobby", "name", "Dave"));
        assertThat(dave.await("join-error").payload()).containsEntry("reason", "forbidden");
        carol.expectNone("user-connected", Duration.ofMillis(300));
    }

    @Test
    void shouldDropTheEventsOfARefusedClientAndCloseItsSession() throws Exception {
        TestClient member = connect(0, Tokens.hs256(claims("erin", List.of("*")).build()));
        member.emit("join-room", map("roomId", "watched", "name", "Erin"));
        member.await("join-ok");
        try (RawWebSocket intruder = RawWebSocket.open(cluster.url(0))) {
            assertThat(intruder.nextFrame()).startsWith("0{");
            intruder.send("40{\"token\":\"forged\"}");
            assertThat(intruder.nextFrame()).isEqualTo("44{\"message\":\"invalid token\",\"data\":{\"code\":\"invalid-token\"}}");
            intruder.send("42[\"join-room\",{\"roomId\":\"watched\",\"name\":\"intruder\"}]");

            // The client ignores the refusal; the server closes its session anyway, shortly after.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(intruder::isCutOff);
            assertThat(intruder.received()).noneMatch(frame -> frame.contains("join-ok") || frame.contains("user-connected"));
            member.expectNone("user-connected", Duration.ofMillis(200));
        }
    }
}
