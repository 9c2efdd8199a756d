package io.rtcio.node.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.SecurityConfig;
import io.rtcio.node.harness.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JwtAuthenticator}: what a CONNECT token must be to pass, and the two refusal messages. */
class JwtAuthenticatorUnitTests {

    @TempDir
    Path dir;

    private static Authenticator authenticator(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_ID", "n");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        SecurityConfig security = ConfigLoader.from(env).security();
        return Authenticators.fromConfig(security);
    }

    private static ConnectRequest token(Object token) {
        Map<String, Object> auth = new HashMap<>();
        auth.put("token", token);
        return new ConnectRequest("/", auth, null);
    }

    private static String refusal(Authenticator authenticator, ConnectRequest request) {
        try {
            authenticator.authenticate(request);
        } catch (AuthenticationException e) {
            return e.getMessage();
        }
        throw new AssertionError("admitted " + request);
    }

    @Test
    void aValidHs256TokenGivesSubjectNameAndClaims() throws Exception {
        Authenticator auth = authenticator("JWT_SECRET", Tokens.SECRET);
        String token = Tokens.hs256(Tokens.claims("alice").claim("name", "Alice").claim("rooms", List.of("team-*"))
                .build());

        Identity identity = auth.authenticate(token(token));

        assertThat(identity.userId()).isEqualTo("alice");
        assertThat(identity.name()).isEqualTo("Alice");
        assertThat(identity.claims()).containsEntry("rooms", List.of("team-*")).containsKey("exp");
        assertThat(identity.toString()).doesNotContain("team-*");
    }

    @Test
    void refusalsSayMissingOrInvalidToken() throws Exception {
        Authenticator auth = authenticator("JWT_SECRET", Tokens.SECRET, "JWT_ISSUER", "https://issuer.test",
                "JWT_AUDIENCE", "rtcio");
        JWTClaimsSet good = Tokens.claims("alice").issuer("https://issuer.test").audience("rtcio").build();
        assertThat(auth.authenticate(token(Tokens.hs256(good))).userId()).isEqualTo("alice");

        Date past = Date.from(Instant.now().minus(Duration.ofMinutes(5)));
        Map<String, String> invalid = new HashMap<>();
        invalid.put("bad signature", Tokens.hs256("another-secret-0123456789-abcdefgh", good));
        invalid.put("expired", Tokens.hs256(new JWTClaimsSet.Builder(good).expirationTime(past).build()));
        invalid.put("no exp", Tokens.hs256(new JWTClaimsSet.Builder(good).expirationTime(null).build()));
        invalid.put("no sub", Tokens.hs256(new JWTClaimsSet.Builder(good).subject(null).build()));
        invalid.put("wrong audience", Tokens.hs256(new JWTClaimsSet.Builder(good).audience("other").build()));
        invalid.put("wrong issuer", Tokens.hs256(new JWTClaimsSet.Builder(good).issuer("https://evil.test").build()));
        invalid.put("not yet valid", Tokens.hs256(new JWTClaimsSet.Builder(good)
                .notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build()));
        invalid.put("unsigned", new PlainJWT(new PlainHeader(), good).serialize());
        invalid.put("malformed", "not.a.jwt");
        invalid.put("huge", "x".repeat(10_000));
        invalid.put("HS384", Tokens.sign(new MACSigner(("0123456789".repeat(5)).getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS384, good, null));
        invalid.forEach((name, token) -> assertThat(refusal(auth, token(token))).as(name).isEqualTo("invalid token"));
        assertThat(refusal(auth, token(42))).as("a number").isEqualTo("invalid token");

        assertThat(refusal(auth, new ConnectRequest("/", Map.of(), null))).isEqualTo("missing token");
        assertThat(refusal(auth, token("  "))).isEqualTo("missing token");
    }

    @Test
    void aSmallClockSkewIsTolerated() throws Exception {
        Authenticator auth = authenticator("JWT_SECRET", Tokens.SECRET);
        Date justExpired = Date.from(Instant.now().minus(Duration.ofSeconds(5)));

        Identity identity = auth.authenticate(token(Tokens.hs256(Tokens.claims("bob").expirationTime(justExpired).build())));

        assertThat(identity.userId()).isEqualTo("bob");
    }

    @Test
    void optionalAuthAdmitsNoTokenAnonymouslyButStillRefusesABadOne() throws Exception {
        Authenticator auth = authenticator("JWT_SECRET", Tokens.SECRET, "AUTH_REQUIRED", "false");

        assertThat(auth.authenticate(new ConnectRequest("/", Map.of(), null))).isEqualTo(Identity.ANONYMOUS);
        assertThat(refusal(auth, token("not.a.jwt"))).isEqualTo("invalid token");
    }

    @Test
    void publicKeysVerifyRs256AndEs256AndRefuseTheOtherKeysTokens() throws Exception {
        KeyPair rsa = Tokens.rsa();
        Path pem = Files.writeString(dir.resolve("rsa.pem"), Tokens.pem(rsa.getPublic()));
        Authenticator byPem = authenticator("JWT_PUBLIC_KEY", pem.toString());
        JWTClaimsSet claims = Tokens.claims("carol").build();

        assertThat(byPem.authenticate(token(Tokens.rs256(rsa, claims, null))).userId()).isEqualTo("carol");
        assertThat(refusal(byPem, token(Tokens.rs256(Tokens.rsa(), claims, null)))).isEqualTo("invalid token");
        // An HS256 token "signed" with the public key's bytes must not pass (algorithm confusion).
        String confused = Tokens.sign(new MACSigner(rsa.getPublic().getEncoded()), JWSAlgorithm.HS256, claims, null);
        assertThat(refusal(byPem, token(confused))).isEqualTo("invalid token");

        KeyPair ec = Tokens.ec();
        Path ecPem = Files.writeString(dir.resolve("ec.pem"), Tokens.pem(ec.getPublic()));
        Authenticator byEc = authenticator("JWT_PUBLIC_KEY", ecPem.toString());
        assertThat(byEc.authenticate(token(Tokens.es256(ec, claims, null))).userId()).isEqualTo("carol");
        assertThat(refusal(byEc, token(Tokens.rs256(rsa, claims, null)))).isEqualTo("invalid token");
    }

    @Test
    void theNameComesFromTheConfiguredClaimAndIsBounded() throws Exception {
        Authenticator auth = authenticator("JWT_SECRET", Tokens.SECRET, "JWT_NAME_CLAIM", "nickname");

        Identity identity = auth.authenticate(token(Tokens.hs256(Tokens.claims("dave").claim("name", "Ignored")
                .claim("nickname", "d".repeat(100)).build())));

        assertThat(identity.name()).isEqualTo("d".repeat(64));
    }
}
