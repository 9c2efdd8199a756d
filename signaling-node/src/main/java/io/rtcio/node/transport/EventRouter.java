package io.rtcio.node.transport;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import io.rtcio.node.auth.AuthenticationException;
import io.rtcio.node.auth.Identity;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.ratelimit.RateLimiter;
import io.rtcio.node.recovery.SessionRecovery;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Binds a namespace to its handlers: admits sockets when their namespace CONNECT passes the
 * {@link ConnectGate} (not when the transport binds, which netty-socketio reports before any
 * auth), dispatches events of admitted sockets to their handlers in per-socket order (events of
 * sessions not admitted here are dropped), shapes them to the socket's {@link RateLimiter} (an
 * event over the rate is handled late, after the ones sent before it; one beyond the backlog is
 * refused with {@code rate-limited}), turns refusals into {@code error} / {@code join-error}, and
 * runs the disconnect hook.
 */
public final class EventRouter {

    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);
    private static final Function<LocalSocket, CompletionStage<?>> NOTHING =
            socket -> CompletableFuture.completedFuture(null);

    private final String name;
    private final SocketIONamespace namespace;
    private final SocketRegistry sockets;
    private final SignalingMetrics metrics;
    private final String nodeId;
    private final ConnectGate gate;
    private final RateLimiter limiter;
    private final ScheduledExecutorService timers;
    private final Set<String> events = ConcurrentHashMap.newKeySet();
    private volatile Function<LocalSocket, CompletionStage<?>> onAdmit = NOTHING;
    private volatile Function<LocalSocket, CompletionStage<?>> onDisconnect = NOTHING;
    private volatile BiFunction<LocalSocket, SessionRecovery.Ticket, CompletionStage<?>> onRecover;
    private volatile SessionRecovery recovery;
    private volatile Departures departures = new Departures();

    /** @param timers runs the events the rate limit holds, when their slot comes */
    EventRouter(SocketIONamespace namespace, SocketRegistry sockets, SignalingMetrics metrics, String nodeId,
                ConnectGate gate, RateLimiter limiter, ScheduledExecutorService timers) {
        this.name = namespace.getName().isEmpty() ? "/" : namespace.getName();
        this.namespace = namespace;
        this.sockets = sockets;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.gate = gate;
        this.limiter = limiter;
        this.timers = timers;
        namespace.addAuthTokenListener(this::admit);
        namespace.addDisconnectListener(this::disconnected);
    }

    /** The namespace, {@code /} for the default one. */
    public String namespace() {
        return name;
    }

    /** Whether {@code event} has a handler here. */
    public boolean knows(String event) {
        return events.contains(event);
    }

    /** The socket this Engine.IO session has in this namespace, or null. */
    public LocalSocket socketOf(UUID session) {
        return sockets.byEngineSession(session, name);
    }

    /**
     * Admission: {@code admitted} runs once per socket, in its order, when its CONNECT passed.
     * Disconnect: {@code disconnected} runs after every event already submitted.
     */
    public void lifecycle(Function<LocalSocket, CompletionStage<?>> admitted,
                          Function<LocalSocket, CompletionStage<?>> disconnected) {
        this.onAdmit = admitted;
        this.onDisconnect = disconnected;
    }

    /**
     * Makes this namespace's sockets recoverable: {@code recovered} runs instead of the admission
     * hook for a socket whose session a CONNECT claimed back.
     */
    void recovery(SessionRecovery recovery, BiFunction<LocalSocket, SessionRecovery.Ticket, CompletionStage<?>> recovered,
                  Departures departures) {
        this.recovery = recovery;
        this.onRecover = recovered;
        this.departures = departures;
    }

    /** Whether CONNECTs here may claim a session back. */
    boolean recovers() {
        SessionRecovery current = recovery;
        return current != null && current.enabled();
    }

    /**
     * Before a CONNECT naming a private session id is admitted: authenticates it and claims the
     * session (the admission then takes the ticket). Completes normally whatever happens; a client
     * refused here is refused again, with its reason, by the admission.
     */
    CompletionStage<Void> prepareRecovery(Object authData, SocketIOClient client) {
        SessionRecovery current = recovery;
        if (current == null || !(authData instanceof Map<?, ?> auth)) {
            return CompletableFuture.completedFuture(null);
        }
        Identity identity;
        try {
            identity = gate.authenticate(name, authData, client);
        } catch (AuthenticationException refusal) {
            return CompletableFuture.completedFuture(null);
        }
        return current.claim(client.getSessionId(), name, auth, identity);
    }

    /** The session went away while its claim was on its way: the claimed session departs. */
    void abandonRecovery(UUID session) {
        SessionRecovery current = recovery;
        SessionRecovery.Ticket ticket = current == null ? null : current.takeTicket(session);
        if (ticket != null) {
            current.abandon(ticket);
        }
    }

    /** Routes {@code event} to {@code handler}. */
    public void on(String event, EventHandler handler) {
        events.add(event);
        namespace.addEventListener(event, Object.class, (client, data, ackRequest) -> dispatch(event, handler, client, data, ackRequest));
    }

    private AuthTokenResult admit(Object authData, SocketIOClient client) {
        Identity identity;
        try {
            identity = gate.authenticate(name, authData, client);
        } catch (AuthenticationException refusal) {
            return gate.refuse(client, name, refusal);
        }
        SessionRecovery current = recovery;
        SessionRecovery.Ticket ticket = current == null ? null : current.takeTicket(client.getSessionId());
        SocketRegistry.Admission admission = ticket != null
                ? sockets.admitRecovered(client, identity, ticket.socketId(), ticket.secret(), ticket.generation())
                : sockets.admit(client, identity, current == null ? null : current.newSecret());
        LocalSocket socket = admission.socket();
        if (!socket.namespace().equals(name)) {
            if (ticket != null) {
                current.abandon(ticket);
            }
            return gate.refuse(client, name, new AuthenticationException(
                    "this connection already uses the rtc.io namespace " + socket.namespace(), "namespace-in-use"));
        }
        if (admission.created()) {
            socket.submit(() -> withContext(socket, null, () -> {
                if ("/".equals(name)) {
                    log.info("socket connected");
                } else {
                    log.info("socket connected to {}", name);
                }
                return ticket != null ? onRecover.apply(socket, ticket) : onAdmit.apply(socket);
            }));
        } else if (ticket != null) {
            current.abandon(ticket);
        }
        return AuthTokenResult.AuthTokenResultSuccess;
    }

    /** This namespace's sockets on this node. */
    java.util.List<LocalSocket> localSockets() {
        // Held sockets (transport gone, waiting for a recovery) have no session to sweep.
        return sockets.all().stream().filter(socket -> socket.namespace().equals(name) && !socket.isHeld()
                && !socket.hasMovedAway()).toList();
    }

    /** Removes a socket whose session ended without netty-socketio telling; its rooms are told it left. */
    void evict(LocalSocket socket) {
        disconnected(socket.engineSession());
    }

    private void disconnected(SocketIOClient client) {
        disconnected(client.getSessionId());
    }

    private void disconnected(UUID session) {
        LocalSocket socket = sockets.remove(session, name);
        if (socket != null) {
            if (departures.isClean(session, name)) {
                socket.leavingCleanly();
            }
            socket.submit(() -> withContext(socket, null, () -> {
                log.info("socket disconnected");
                return onDisconnect.apply(socket);
            })).whenComplete((ok, error) -> sockets.departed(socket));
        }
    }

    private void dispatch(String event, EventHandler handler, SocketIOClient client, Object data, AckRequest ackRequest) {
        LocalSocket socket = socketOf(client.getSessionId());
        if (socket == null) {
            log.debug("dropping {} from a session that has not connected to {}", event, name);
            return;
        }
        metrics.eventIn(event);
        RateLimiter.Decision decision = limiter.schedule(client.getSessionId());
        if (!decision.handled()) {
            limited(socket, event, decision.verdict());
            return;
        }
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
        Supplier<CompletionStage<?>> run = () -> withContext(socket, roomId, () -> {
            CompletionStage<?> stage;
            try {
                stage = handler.handle(socket, data, ack);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            if (stage == null) {
                stage = CompletableFuture.completedFuture(null);
            }
            return stage.handle((result, error) -> {
                if (error != null) {
                    onFailure(socket, event, error);
                }
                return null;
            });
        });
        if (decision.verdict() == RateLimiter.Verdict.PASS) {
            socket.submit(run);
            return;
        }
        metrics.rateLimitDelayed();
        long due = System.nanoTime() + decision.delayNanos();
        // In the socket's queue now, so what it sends next waits behind this; run when the slot comes.
        socket.submit(() -> at(due).thenCompose(ready -> run.get()));
    }

    private CompletionStage<Void> at(long due) {
        long wait = due - System.nanoTime();
        if (wait <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> slot = new CompletableFuture<>();
        try {
            timers.schedule(() -> slot.complete(null), wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            slot.complete(null);
        }
        return slot;
    }

    private void limited(LocalSocket socket, String event, RateLimiter.Verdict verdict) {
        switch (verdict) {
            case DISCONNECT -> {
                log.warn("disconnecting socket {}: still over its event rate limit after the grace period", socket.id());
                metrics.rateLimitDisconnect(socket.engineSession());
                limiter.forget(socket.engineSession());
                socket.kick();
            }
            case REFUSE_AND_TELL -> {
                metrics.error(ErrorCode.RATE_LIMITED);
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", ErrorCode.RATE_LIMITED.wire());
                error.put("message", "too many events; slow down");
                error.put("event", event);
                socket.send(Events.ERROR, error);
            }
            default -> metrics.error(ErrorCode.RATE_LIMITED);
        }
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

    private <T> T withContext(LocalSocket socket, String roomId, Supplier<T> body) {
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
