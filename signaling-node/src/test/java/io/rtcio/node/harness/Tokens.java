package io.rtcio.node.harness;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** JWTs and keys for tests: HS256 with a secret, RS256 and ES256 with fresh key pairs, PEM output. */
public final class Tokens {

    /** A 32-byte HS256 secret. */
    public static final String SECRET = "test-secret-0123456789-abcdefghij";

    private Tokens() {
    }

    /** Claims for {@code sub}, valid for ten minutes from now. */
    public static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    public static String hs256(String secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims, null);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hs256(JWTClaimsSet claims) {
        return hs256(SECRET, claims);
    }

    public static String rs256(KeyPair keys, JWTClaimsSet claims, String kid) {
        return sign(new RSASSASigner(keys.getPrivate()), JWSAlgorithm.RS256, claims, kid);
    }

    public static String es256(KeyPair keys, JWTClaimsSet claims, String kid) {
        try {
            return sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()), JWSAlgorithm.ES256, claims, kid);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims, String kid) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -----BEGIN PUBLIC KEY-----} PEM of a public key. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
