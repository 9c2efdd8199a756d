package io.rtcio.node.ice;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * coturn's REST API credentials ({@code use-auth-secret}): the username is the expiry time in
 * unix seconds and the credential is base64(HMAC-SHA1(secret, username)).
 */
public final class TurnCredentials {

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    public TurnCredentials(String secret, Duration ttl, Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A fresh username/credential pair valid for the configured TTL. */
    public Credential issue() {
        String username = Long.toString(clock.instant().plus(ttl).getEpochSecond());
        return new Credential(username, sign(username));
    }

    /** base64(HMAC-SHA1(secret, username)). */
    public String sign(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /** A TURN username and password. */
    public record Credential(String username, String credential) {
    }
}
