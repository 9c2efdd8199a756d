package io.rtcio.node.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client presents when it connects to a namespace.
 *
 * @param namespace the namespace, {@code /} for the default one
 * @param auth      the CONNECT {@code auth} object (socket.io-client's {@code auth} option); empty when the
 *                  client sent none or something that is not an object
 * @param origin    the {@code Origin} header of the Engine.IO handshake, or null
 */
public record ConnectRequest(String namespace, Map<String, Object> auth, String origin) {

    public ConnectRequest {
        auth = auth == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(auth));
    }

    /** The {@code token} of the auth object when it is a non-blank string, else null. */
    public String token() {
        return auth.get("token") instanceof String token && !token.isBlank() ? token.trim() : null;
    }
}
