package io.rtcio.node.transport;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import java.util.List;

/**
 * The CORS allow-list, enforced at the Engine.IO handshake (polling and WebSocket): a browser
 * request whose {@code Origin} is not listed gets HTTP 401 and no session. Requests without an
 * {@code Origin} header (native and server-side clients) are not browser requests and pass.
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

    @Override
    public AuthorizationResult getAuthorizationResult(HandshakeData data) {
        String origin = data.getHttpHeaders().get("Origin");
        return allows(origin) ? AuthorizationResult.SUCCESSFUL_AUTHORIZATION : AuthorizationResult.FAILED_AUTHORIZATION;
    }
}
