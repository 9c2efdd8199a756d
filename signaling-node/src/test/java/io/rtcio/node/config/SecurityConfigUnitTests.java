package io.rtcio.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.rtcio.node.harness.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The security settings: JWT keys, AUTH_REQUIRED, the allow-list, rate limits, relay policy, namespaces. */
class SecurityConfigUnitTests {

    @TempDir
    static Path dir;

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_ID", "node-under-test");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static String file(String name, String content) {
        try {
            Path path = dir.resolve(name);
            Files.writeString(path, content, StandardCharsets.UTF_8);
            return path.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noSettingsMeanNoAuthOpenRoomsDefaultLimitsAndSharedRoomRelays() {
        NodeConfig config = ConfigLoader.from(env());

        SecurityConfig security = config.security();
        assertThat(security.jwt()).isNull();
        assertThat(security.authRequired()).isFalse();
        assertThat(security.roomAllowList()).isNull();
        assertThat(security.rateLimit()).isEqualTo(new RateLimitConfig(50, 150, Duration.ofSeconds(2), Duration.ofSeconds(3)));
        assertThat(security.relayScope()).isEqualTo(RelayScope.SHARED_ROOM);
        assertThat(config.namespaces()).isEmpty();
    }

    @Test
    void aSecretTurnsOnRequiredHs256AndStaysOutOfToString() {
        NodeConfig config = ConfigLoader.from(env("JWT_SECRET", Tokens.SECRET, "JWT_ISSUER", "https://issuer.test",
                "JWT_AUDIENCE", "rtcio"));

        JwtConfig jwt = config.security().jwt();
        assertThat(config.security().authRequired()).isTrue();
        assertThat(jwt.algorithms()).containsExactly(JWSAlgorithm.HS256);
        assertThat(jwt.issuer()).isEqualTo("https://issuer.test");
        assertThat(jwt.audience()).isEqualTo("rtcio");
        assertThat(jwt.nameClaim()).isEqualTo("name");
        assertThat(jwt.roomsClaim()).isEqualTo("rooms");
        String secretAsJwk = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Tokens.SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(config.toString()).doesNotContain(Tokens.SECRET).doesNotContain(secretAsJwk).contains("JWT_SECRET");
    }

    @Test
    void authCanBeMadeOptionalWithAKey() {
        NodeConfig config = ConfigLoader.from(env("JWT_SECRET", Tokens.SECRET, "AUTH_REQUIRED", "false"));

        assertThat(config.security().authRequired()).isFalse();
        assertThat(config.security().jwt()).isNotNull();
    }

    @Test
    void anRsaPemAndAnEcJwksGiveTheirAlgorithms() throws Exception {
        KeyPair rsa = Tokens.rsa();
        NodeConfig fromPem = ConfigLoader.from(env("JWT_PUBLIC_KEY", file("rsa.pem", Tokens.pem(rsa.getPublic()))));
        assertThat(fromPem.security().jwt().algorithms()).contains(JWSAlgorithm.RS256).doesNotContain(JWSAlgorithm.HS256);

        KeyPair ec = Tokens.ec();
        NodeConfig fromEcPem = ConfigLoader.from(env("JWT_PUBLIC_KEY", file("ec.pem", Tokens.pem(ec.getPublic()))));
        assertThat(fromEcPem.security().jwt().algorithms()).containsExactly(JWSAlgorithm.ES256);

        String jwks = new JWKSet(new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("k1").build())
                .toString();
        NodeConfig fromJwks = ConfigLoader.from(env("JWT_JWKS_FILE", file("keys.json", jwks)));
        assertThat(fromJwks.security().jwt().algorithms()).containsExactly(JWSAlgorithm.ES256);
        assertThat(fromJwks.security().jwt().keys().getKeys()).hasSize(1);
    }

    @Test
    void theAllowListSkipsCommentsAndBlankLines() {
        NodeConfig config = ConfigLoader.from(env("ROOM_ALLOW_LIST_FILE",
                file("rooms.txt", "# lobby rooms\nlobby\n\n  team-*  \n# end\n")));

        assertThat(config.security().roomAllowList().patterns()).containsExactly("lobby", "team-*");
    }

    @Test
    void limitsPolicyAndNamespacesAreRead() {
        NodeConfig config = ConfigLoader.from(env("RATE_LIMIT_EVENTS_PER_SEC", "10", "RATE_LIMIT_BURST", "20",
                "RATE_LIMIT_MAX_DELAY_MS", "500", "RATE_LIMIT_DISCONNECT_AFTER_MS", "0", "RELAY_POLICY", "any", "NAMESPACES", "/calls:rtcio, /admin:plain,/x"));

        assertThat(config.security().rateLimit()).isEqualTo(new RateLimitConfig(10, 20, Duration.ofMillis(500), Duration.ZERO));
        assertThat(config.security().relayScope()).isEqualTo(RelayScope.ANY);
        assertThat(config.namespaces()).containsExactly(new NamespaceConfig("/calls", true),
                new NamespaceConfig("/admin", false), new NamespaceConfig("/x", true));
    }

    static Stream<Arguments> badValues() {
        String hmacJwks = new JWKSet(new OctetSequenceKey.Builder(Tokens.SECRET.getBytes(StandardCharsets.UTF_8))
                .build()).toString();
        return Stream.of(
                Arguments.of("AUTH_REQUIRED", env("AUTH_REQUIRED", "true")),
                Arguments.of("AUTH_REQUIRED", env("JWT_SECRET", Tokens.SECRET, "AUTH_REQUIRED", "yes")),
                Arguments.of("JWT_SECRET", env("JWT_SECRET", "too-short")),
                Arguments.of("JWT_PUBLIC_KEY", env("JWT_SECRET", Tokens.SECRET, "JWT_PUBLIC_KEY", "/nowhere.pem")),
                Arguments.of("JWT_PUBLIC_KEY", env("JWT_PUBLIC_KEY", dir.resolve("missing.pem").toString())),
                Arguments.of("JWT_PUBLIC_KEY", env("JWT_PUBLIC_KEY", file("garbage.pem", "not a key"))),
                Arguments.of("JWT_PUBLIC_KEY", env("JWT_PUBLIC_KEY", file("private.pem",
                        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))),
                Arguments.of("JWT_PUBLIC_KEY", env("JWT_PUBLIC_KEY", file("damaged.pem",
                        "-----BEGIN PUBLIC KEY-----\nAAAABBBB\n-----END PUBLIC KEY-----\n"))),
                Arguments.of("JWT_JWKS_FILE", env("JWT_JWKS_FILE", file("bad.json", "{\"keys\": 3}"))),
                Arguments.of("JWT_JWKS_FILE", env("JWT_JWKS_FILE", file("hmac.json", hmacJwks))),
                Arguments.of("JWT_ISSUER", env("JWT_ISSUER", "https://issuer.test")),
                Arguments.of("JWT_ROOMS_CLAIM", env("JWT_SECRET", Tokens.SECRET, "JWT_ROOMS_CLAIM", "my rooms")),
                Arguments.of("ROOM_ALLOW_LIST_FILE", env("ROOM_ALLOW_LIST_FILE", dir.resolve("none.txt").toString())),
                Arguments.of("RATE_LIMIT_EVENTS_PER_SEC", env("RATE_LIMIT_EVENTS_PER_SEC", "-1")),
                Arguments.of("RATE_LIMIT_BURST", env("RATE_LIMIT_BURST", "0")),
                Arguments.of("RATE_LIMIT_MAX_DELAY_MS", env("RATE_LIMIT_MAX_DELAY_MS", "-5")),
                Arguments.of("RATE_LIMIT_DISCONNECT_AFTER_MS", env("RATE_LIMIT_DISCONNECT_AFTER_MS", "soon")),
                Arguments.of("RELAY_POLICY", env("RELAY_POLICY", "nobody")),
                Arguments.of("NAMESPACES", env("NAMESPACES", "calls")),
                Arguments.of("NAMESPACES", env("NAMESPACES", "/")),
                Arguments.of("NAMESPACES", env("NAMESPACES", "/calls:video")),
                Arguments.of("NAMESPACES", env("NAMESPACES", "/calls,/calls:plain")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badValues")
    void aBadValueStopsTheNodeNamingTheVariable(String variable, Map<String, String> env) {
        assertThatThrownBy(() -> ConfigLoader.from(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ":")
                .message().doesNotContain(Tokens.SECRET);
    }

    @Test
    void aShortSecretIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ConfigLoader.from(env("JWT_SECRET", "hunter2-short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("JWT_SECRET:")
                .message().doesNotContain("hunter2");
    }
}
