package io.rtcio.node.transport;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.rtcio.node.auth.AuthenticationException;
import io.rtcio.node.auth.Authenticator;
import io.rtcio.node.auth.ConnectRequest;
import io.rtcio.node.auth.Identity;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.session.SessionIds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication of every namespace CONNECT. A refused client gets {@code connect_error} with
 * {@code {message, data:{code}}} (a Map, so socket.io-client sets {@code err.message}); if its
 * Engine.IO session then has no admitted socket in any namespace, it is closed from the server
 * side shortly after, so a client that ignores the refusal cannot linger.
 */
final class ConnectGate {

    /** Time for the CONNECT_ERROR to reach the client before its session is closed. */
    static final long REFUSED_SESSION_GRACE_MS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(ConnectGate.class);
    /** What the client sees when the authenticator itself failed: an invalid token (counted apart). */
    private static final AuthenticationException AUTHENTICATOR_FAILED =
            new AuthenticationException(AuthenticationException.INVALID_TOKEN, "invalid-token");

    private final Authenticator authenticator;
    private final SessionIds sessionIds;
    private final ScheduledExecutorService scheduler;
    private final SignalingMetrics metrics;

    ConnectGate(Authenticator authenticator, SessionIds sessionIds, ScheduledExecutorService scheduler,
                SignalingMetrics metrics) {
        this.authenticator = authenticator;
        this.sessionIds = sessionIds;
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /**
     * Who the client is. An authenticator that fails or returns null refuses the client (fail closed).
     *
     * @throws AuthenticationException when the client is refused
     */
    Identity authenticate(String namespace, Object authData, SocketIOClient client) throws AuthenticationException {
        String origin = client.getHandshakeData().getHttpHeaders().get("Origin");
        Identity identity;
        try {
            identity = authenticator.authenticate(new ConnectRequest(namespace, authObject(authData), origin));
        } catch (RuntimeException e) {
            log.warn("the authenticator failed; refusing the connection: {}", e.toString());
            throw AUTHENTICATOR_FAILED;
        }
        if (identity == null) {
            log.warn("the authenticator returned no identity; refusing the connection");
            throw AUTHENTICATOR_FAILED;
        }
        return identity;
    }

    /** The CONNECT_ERROR for {@code refusal}; schedules closing the session if nothing else holds it. */
    AuthTokenResult refuse(SocketIOClient client, String namespace, AuthenticationException refusal) {
        metrics.connectionRefused(reason(refusal));
        log.debug("refused a connection to {}: {}", namespace, refusal.getMessage());
        if (client instanceof NamespaceClient namespaceClient) {
            ClientHead head = namespaceClient.getBaseClient();
            UUID session = head.getSessionId();
            scheduler.schedule(() -> {
                if (sessionIds.publicId(session) == null && head.isConnected()) {
                    log.debug("closing a refused session");
                    TransportChannels.forceClose(head);
                }
            }, REFUSED_SESSION_GRACE_MS, TimeUnit.MILLISECONDS);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", refusal.getMessage());
        error.put("data", Map.of("code", refusal.code()));
        return new AuthTokenResult(false, error);
    }

    private static SignalingMetrics.AuthRefusal reason(AuthenticationException refusal) {
        if (refusal == AUTHENTICATOR_FAILED) {
            return SignalingMetrics.AuthRefusal.AUTHENTICATOR_ERROR;
        }
        return switch (refusal.code()) {
            case "missing-token" -> SignalingMetrics.AuthRefusal.MISSING_TOKEN;
            case "namespace-in-use" -> SignalingMetrics.AuthRefusal.NAMESPACE_IN_USE;
            default -> SignalingMetrics.AuthRefusal.INVALID_TOKEN;
        };
    }

    private static Map<String, Object> authObject(Object authData) {
        Map<String, Object> auth = new LinkedHashMap<>();
        if (authData instanceof Map<?, ?> map) {
            map.forEach((key, value) -> auth.put(String.valueOf(key), value));
        }
        return auth;
    }
}
