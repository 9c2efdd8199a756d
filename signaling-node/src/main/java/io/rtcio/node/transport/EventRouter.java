package io.rtcio.node.transport;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Binds a namespace to the protocol: admits sockets when their namespace CONNECT passes (not
 * when the transport binds, which netty-socketio reports before any auth), dispatches events of
 * admitted sockets to their handlers in per-socket order, turns refusals into {@code error} /
 * {@code join-error}, and runs the disconnect hook.
 */
public final class EventRouter {

    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    private final SocketIONamespace namespace;
    private final SocketRegistry sockets;
    private final SignalingMetrics metrics;
    private final String nodeId;
    private final Set<String> events = ConcurrentHashMap.newKeySet();

    EventRouter(SocketIONamespace namespace, SocketRegistry sockets, SignalingMetrics metrics, String nodeId) {
        this.namespace = namespace;
        this.sockets = sockets;
        this.metrics = metrics;
        this.nodeId = nodeId;
    }

    /** Whether {@code event} has a handler here. */
    public boolean knows(String event) {
        return events.contains(event);
    }

    /**
     * Admission: {@code onAdmit} runs once per socket, in its order, when its CONNECT passed.
     * Disconnect: {@code onDisconnect} runs after every event already submitted.
     */
    public void lifecycle(Function<LocalSocket, CompletionStage<?>> onAdmit,
                          Function<LocalSocket, CompletionStage<?>> onDisconnect) {
        namespace.addAuthTokenListener((authData, client) -> {
            SocketRegistry.Admission admission = sockets.admit(client, null);
            if (admission.created()) {
                LocalSocket socket = admission.socket();
                socket.submit(() -> withContext(socket, null, () -> {
                    log.info("socket connected");
                    return onAdmit.apply(socket);
                }));
            }
            return AuthTokenResult.AuthTokenResultSuccess;
        });
        namespace.addDisconnectListener(client -> {
            LocalSocket socket = sockets.remove(client.getSessionId());
            if (socket != null) {
                socket.submit(() -> withContext(socket, null, () -> {
                    log.info("socket disconnected");
                    return onDisconnect.apply(socket);
                }));
            }
        });
    }

    /** Routes {@code event} to {@code handler}. */
    public void on(String event, EventHandler handler) {
        events.add(event);
        namespace.addEventListener(event, Object.class, (client, data, ackRequest) -> dispatch(event, handler, client, data, ackRequest));
    }

    private void dispatch(String event, EventHandler handler, SocketIOClient client, Object data, AckRequest ackRequest) {
        LocalSocket socket = sockets.byEngineSession(client.getSessionId());
        if (socket == null) {
            log.debug("dropping {} from a session that has not connected to the namespace", event);
            return;
        }
        metrics.eventIn(event);
        EventHandler.Ack ack = new EventHandler.Ack() {
            @Override
            public boolean requested() {
                return ackRequest.isAckRequested();
            }

            @Override
            public void reply(Object... args) {
                ackRequest.sendAckData(args);
            }
        };
        String roomId = data instanceof Map<?, ?> map && map.get("roomId") instanceof String room ? room : null;
        socket.submit(() -> withContext(socket, roomId, () -> {
            CompletionStage<?> stage;
            try {
                stage = handler.handle(socket, data, ack);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            return stage.handle((result, error) -> {
                if (error != null) {
                    onFailure(socket, event, error);
                }
                return null;
            });
        }));
    }

    private void onFailure(LocalSocket socket, String event, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SignalingException refusal) {
            refuse(socket, event, refusal);
        } else {
            log.error("handler of {} failed for socket {}", event, socket.id(), cause);
        }
    }

    private void refuse(LocalSocket socket, String event, SignalingException refusal) {
        ErrorCode code = refusal.code();
        metrics.error(code);
        log.debug("refused {}: {} ({})", event, code.wire(), refusal.getMessage());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.wire());
        error.put("message", refusal.getMessage());
        if (refusal.roomId() != null) {
            error.put("roomId", refusal.roomId());
        }
        error.put("event", event);
        socket.send(Events.ERROR, error);
        if (Events.JOIN_ROOM.equals(event) || Events.CHECK_ROOM.equals(event)) {
            Map<String, Object> joinError = new LinkedHashMap<>();
            joinError.put("reason", code.wire());
            joinError.put("roomId", refusal.roomId());
            socket.send(Events.JOIN_ERROR, joinError);
        }
    }

    private <T> T withContext(LocalSocket socket, String roomId, java.util.function.Supplier<T> body) {
        MDC.put("node", nodeId);
        MDC.put("socket", socket.id());
        if (roomId != null) {
            MDC.put("room", roomId);
        }
        try {
            return body.get();
        } finally {
            MDC.remove("socket");
            MDC.remove("room");
        }
    }
}
