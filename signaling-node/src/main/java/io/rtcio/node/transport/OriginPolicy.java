package io.rtcio.node.transport;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import java.util.List;

/**
 * The CORS allow-list ({@code ALLOWED_ORIGINS}). Requests without an {@code Origin} header
 * (native and server-side clients) are not browser requests and pass. {@link CorsHandler} enforces
 * it on every HTTP request; as netty-socketio's handshake check it also refuses a disallowed
 * Engine.IO handshake (401), should a request ever get past the handler.
 */
final class OriginPolicy implements AuthorizationListener {

    private final List<String> allowed;
    private final boolean any;

    OriginPolicy(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
        this.any = allowed.contains("*");
    }

    boolean allows(String origin) {
        return origin == null || any || allowed.contains(origin);
    }

    /**
     * Whether responses name the exact origin and allow credentials; with {@code *} they say
     * {@code *} and never allow credentials (browsers refuse that combination anyway).
     */
    boolean exact() {
        return !any;
    }

    @Override
    public AuthorizationResult getAuthorizationResult(HandshakeData data) {
        String origin = data.getHttpHeaders().get("Origin");
        return allows(origin) ? AuthorizationResult.SUCCESSFUL_AUTHORIZATION : AuthorizationResult.FAILED_AUTHORIZATION;
    }
}
