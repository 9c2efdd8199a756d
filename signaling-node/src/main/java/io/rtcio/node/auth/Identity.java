package io.rtcio.node.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a socket is, as established when it connected.
 *
 * @param userId the authenticated user id (a JWT's {@code sub}), or null for an anonymous socket
 * @param name   a display name from the credentials, or null
 * @param claims every claim of the credentials as plain JSON values (strings, numbers, booleans, lists, maps);
 *               empty for an anonymous socket
 */
public record Identity(String userId, String name, Map<String, Object> claims) {

    /** A socket that presented no credentials. */
    public static final Identity ANONYMOUS = new Identity(null, null, Map.of());

    public Identity {
        claims = claims == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** An identity with a user id and no claims (custom authenticators, tests). */
    public static Identity of(String userId, String name) {
        return new Identity(userId, name, Map.of());
    }

    public boolean anonymous() {
        return userId == null;
    }

    /** Names the user and the claim names; claim values stay out of logs. */
    @Override
    public String toString() {
        return anonymous() ? "Identity[anonymous]" : "Identity[userId=" + userId + ", name=" + name + ", claims="
                + claims.keySet() + "]";
    }
}
