package io.rtcio.node.session;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Public socket ids: 20 URL-safe characters from 120 random bits, the shape socket.io uses.
 * They are what peers address and are told about, so they are never a session credential.
 */
public final class PublicIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private PublicIds() {
    }

    public static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** A session secret: 144 random bits, 24 URL-safe characters (never contains {@code .}). */
    public static String secret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
