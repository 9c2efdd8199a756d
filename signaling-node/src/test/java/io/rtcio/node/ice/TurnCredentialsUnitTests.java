package io.rtcio.node.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.SignalingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** coturn REST credentials ({@link TurnCredentials}) and the {@code ask-ice} answer ({@link IceHandler}). */
class TurnCredentialsUnitTests {

    private static final String SECRET = "north-sea-secret";
    /** 2024-01-01T00:00:00Z. */
    private static final Instant NOW = Instant.ofEpochSecond(1_704_067_200L);
    private static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration TTL = Duration.ofSeconds(600);
    /** NOW + 600 s. */
    private static final String EXPIRY = "1704067800";
    /** {@code printf '%s' 1704067800 | openssl dgst -sha1 -hmac north-sea-secret -binary | base64}. */
    private static final String OPENSSL_VECTOR = "D28EEvlb9NxHCLOxZiri5AL7X6c=";
    private static final String TURN_HOST = "turn.example.com";

    /** base64(HMAC-SHA1(secret, username)), computed here without the class under test. */
    private static String hmacSha1Base64(String secret, String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void usernameIsTheExpiryInUnixSecondsAndCredentialItsHmac() throws Exception {
        TurnCredentials.Credential credential = new TurnCredentials(SECRET, TTL, FIXED).issue();

        assertThat(credential.username()).isEqualTo(EXPIRY);
        assertThat(Long.parseLong(credential.username())).isEqualTo(NOW.getEpochSecond() + TTL.toSeconds());
        assertThat(credential.credential())
                .isEqualTo(hmacSha1Base64(SECRET, credential.username()))
                .isEqualTo(OPENSSL_VECTOR);
    }

    @Test
    void signMatchesTheOpensslVector() {
        assertThat(new TurnCredentials(SECRET, TTL, FIXED).sign(EXPIRY)).isEqualTo(OPENSSL_VECTOR);
    }

    @Test
    void theTtlMovesTheExpiry() throws Exception {
        TurnCredentials.Credential credential = new TurnCredentials(SECRET, Duration.ofHours(1), FIXED).issue();

        assertThat(credential.username()).isEqualTo(Long.toString(NOW.getEpochSecond() + 3600));
        assertThat(credential.credential()).isEqualTo(hmacSha1Base64(SECRET, credential.username()));
    }

    @Test
    void withTheSystemClockTheExpiryIsNowPlusTtl() throws Exception {
        long before = Instant.now().getEpochSecond();
        TurnCredentials.Credential credential = new TurnCredentials(SECRET, TTL, Clock.systemUTC()).issue();
        long after = Instant.now().getEpochSecond();

        assertThat(Long.parseLong(credential.username())).isBetween(before + 600, after + 600);
        assertThat(credential.credential()).isEqualTo(hmacSha1Base64(SECRET, credential.username()));
    }

    @Test
    void anotherSecretGivesAnotherCredential() throws Exception {
        TurnCredentials.Credential credential = new TurnCredentials("other-secret", TTL, FIXED).issue();

        assertThat(credential.username()).isEqualTo(EXPIRY);
        assertThat(credential.credential())
                .isEqualTo(hmacSha1Base64("other-secret", EXPIRY))
                .isNotEqualTo(OPENSSL_VECTOR);
    }

    @Test
    @SuppressWarnings("unchecked")
    void iceServersListStunTurnUdpTcpAndTurnsWithCredentials() throws Exception {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(SECRET, TURN_HOST, TTL, 3478, 5349), FIXED);

        List<Map<String, Object>> servers = handler.iceServers();

        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).containsOnlyKeys("urls");
        assertThat((List<String>) servers.get(0).get("urls")).containsExactly("stun:turn.example.com:3478");
        Map<String, Object> turn = servers.get(1);
        assertThat((List<String>) turn.get("urls")).containsExactly(
                "turn:turn.example.com:3478?transport=udp",
                "turn:turn.example.com:3478?transport=tcp",
                "turns:turn.example.com:5349?transport=tcp");
        assertThat(turn.get("username")).isEqualTo(EXPIRY);
        assertThat(turn.get("credential")).isEqualTo(OPENSSL_VECTOR).isEqualTo(hmacSha1Base64(SECRET, EXPIRY));
    }

    @Test
    @SuppressWarnings("unchecked")
    void configuredPortsAppearInTheUrls() {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(SECRET, "10.0.0.7", TTL, 3479, 443), FIXED);

        List<String> urls = new ArrayList<>();
        handler.iceServers().forEach(server -> urls.addAll((List<String>) server.get("urls")));

        assertThat(urls).containsExactly(
                "stun:10.0.0.7:3479",
                "turn:10.0.0.7:3479?transport=udp",
                "turn:10.0.0.7:3479?transport=tcp",
                "turns:10.0.0.7:443?transport=tcp");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutSecretOnlyStunIsOffered() {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(null, TURN_HOST, TTL, 3478, 5349), FIXED);

        List<Map<String, Object>> servers = handler.iceServers();

        assertThat(servers).hasSize(1);
        assertThat((List<String>) servers.get(0).get("urls")).containsExactly("stun:turn.example.com:3478");
        assertThat(servers.get(0)).doesNotContainKeys("username", "credential");
    }

    @Test
    void withoutHostNothingIsOffered() {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(null, null, TTL, 3478, 5349), FIXED);

        assertThat(handler.iceServers()).isEmpty();
    }

    @Test
    void askIceAnswersThroughTheAck() {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(SECRET, TURN_HOST, TTL, 3478, 5349), FIXED);
        List<Object[]> replies = new ArrayList<>();

        handler.handle(null, null, ack(true, replies)).toCompletableFuture().join();

        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).hasSize(1);
        assertThat(replies.get(0)[0]).isEqualTo(Map.of("iceServers", handler.iceServers()));
    }

    @Test
    void askIceWithoutAckIsRefusedAsInvalidPayload() {
        IceHandler handler = new IceHandler(new NodeConfig.TurnConfig(SECRET, TURN_HOST, TTL, 3478, 5349), FIXED);
        List<Object[]> replies = new ArrayList<>();

        assertThatThrownBy(() -> handler.handle(null, null, ack(false, replies)))
                .isInstanceOfSatisfying(SignalingException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        assertThat(replies).isEmpty();
    }

    @Test
    void turnConfigToStringNeverShowsTheSecret() {
        NodeConfig.TurnConfig turn = new NodeConfig.TurnConfig(SECRET, TURN_HOST, TTL, 3478, 5349);

        assertThat(turn.toString()).doesNotContain(SECRET).contains(TURN_HOST).contains("***");
        assertThat(new NodeConfig.TurnConfig(null, TURN_HOST, TTL, 3478, 5349).toString()).contains("secret=none");
    }

    @Test
    void nodeConfigToStringNeverShowsTheTurnSecret() {
        NodeConfig config = ConfigLoader.from(Map.of("NODE_ID", "n1", "TURN_SECRET", SECRET, "TURN_HOST", TURN_HOST));

        assertThat(config.turn().secret()).isEqualTo(SECRET);
        assertThat(config.toString()).doesNotContain(SECRET);
    }

    private static EventHandler.Ack ack(boolean requested, List<Object[]> replies) {
        return new EventHandler.Ack() {
            @Override
            public boolean requested() {
                return requested;
            }

            @Override
            public void reply(Object... args) {
                replies.add(args);
            }
        };
    }
}
