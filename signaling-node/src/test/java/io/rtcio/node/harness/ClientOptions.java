package io.rtcio.node.harness;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a test client connects.
 *
 * @param transport which transports the client may use
 * @param auth      the socket.io CONNECT {@code auth} payload, or {@code null} to send none (a bare {@code 40})
 * @param origin    value of the {@code Origin} request header, or {@code null} for none
 */
public record ClientOptions(ClientTransport transport, Map<String, Object> auth, String origin) {

    public ClientOptions {
        Objects.requireNonNull(transport, "transport");
        // Map.copyOf rejects null values, which a test may want to send.
        auth = auth == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(auth));
    }

    /** No auth payload, no Origin header. */
    public static ClientOptions of(ClientTransport t) {
        return new ClientOptions(t, null, null);
    }

    public ClientOptions withAuth(Map<String, Object> auth) {
        return new ClientOptions(transport, auth, origin);
    }

    public ClientOptions withOrigin(String origin) {
        return new ClientOptions(transport, auth, origin);
    }
}
