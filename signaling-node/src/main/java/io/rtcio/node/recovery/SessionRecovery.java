package io.rtcio.node.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.SessionStore;
import io.rtcio.node.auth.Identity;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.room.RoomService;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.PublicIds;
import io.rtcio.node.session.SocketRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * socket.io's connection-state recovery, cluster-wide (see docs/recovery.md):
 * <ul>
 *   <li>every rtc.io socket gets a private id ({@code <public id>.<secret>}) and a session in the
 *       {@link SessionStore} when it connects;</li>
 *   <li>an abrupt drop holds the socket: it stays in its rooms and in this node's registry, what
 *       is sent to it goes to the session's log, and its departure waits for the grace;</li>
 *   <li>a CONNECT carrying the private id claims the session wherever it lands; the socket takes
 *       back its id, its rooms and rosters, gets the logged events with their offsets, and its
 *       old node is told to forget it without a word to anyone;</li>
 *   <li>a clean leave, or a grace that ends without a recovery, is announced as before, once.</li>
 * </ul>
 * Thread-safe.
 */
public final class SessionRecovery {

    /** Node-to-node event: the session of the target socket was recovered on the sending node. */
    public static final String TAKEN_EVENT = "~session-taken";
    /** Node-to-node event: a client event for a socket that moved, {@code [socket, event, payload]}. */
    public static final String FORWARD_EVENT = "~session-forward";

    private static final Logger log = LoggerFactory.getLogger(SessionRecovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a successful claim hands to the admission of the recovered socket; {@code offset} is the
     * last one the client had.
     */
    public record Ticket(String socketId, String secret, String previousNode, long generation, long offset,
                         List<SessionStore.LoggedEvent> missed) {
    }

    private final NodeConfig.RecoveryConfig config;
    private final String nodeId;
    private final SessionStore store;
    private final SocketRegistry sockets;
    private final RoomService rooms;
    private final PresenceStore presence;
    private final MediaStateStore mediaStates;
    private final ClusterBus bus;
    private final ScheduledExecutorService timers;
    private final SignalingMetrics metrics;
    private final Map<UUID, Ticket> tickets = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> graces = new ConcurrentHashMap<>();
    /** Events for held sockets on their way to a session's log (or to the session's new node). */
    private final Set<CompletableFuture<?>> keeping = ConcurrentHashMap.newKeySet();
    /**
     * Sockets claimed here that are not admitted yet (claim in flight, or ticket waiting), with the
     * events forwarded to them meanwhile: the claim moves the session at once, so the old node may
     * forward an event before the socket exists here. Guarded by itself.
     */
    private final Map<String, List<String[]>> early = new HashMap<>();

    /** How long events forwarded ahead of their socket's admission wait for it. */
    private static final Duration EARLY_WAIT = Duration.ofSeconds(10);

    public SessionRecovery(NodeConfig.RecoveryConfig config, String nodeId, SessionStore store, SocketRegistry sockets,
                           RoomService rooms, PresenceStore presence, MediaStateStore mediaStates, ClusterBus bus,
                           ScheduledExecutorService timers, SignalingMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.nodeId = nodeId;
        this.store = store;
        this.sockets = sockets;
        this.rooms = rooms;
        this.presence = presence;
        this.mediaStates = mediaStates;
        this.bus = bus;
        this.timers = timers;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** A secret for a new socket's session, or null when recovery is off. */
    public String newSecret() {
        return enabled() ? PublicIds.secret() : null;
    }

    // ---- connect -------------------------------------------------------------------------------

    /**
     * Tries to claim the session a CONNECT names in its auth payload ({@code pid}, {@code offset});
     * on success a ticket waits for the session's admission ({@link #takeTicket}). Never fails:
     * whatever goes wrong makes the client a new session.
     */
    public CompletionStage<Void> claim(UUID engineSession, String namespace, Map<?, ?> auth, Identity identity) {
        if (!enabled() || !(auth.get("pid") instanceof String pid)) {
            return CompletableFuture.completedFuture(null);
        }
        int dot = pid.indexOf('.');
        long offset = offsetOf(auth.get("offset"));
        if (dot <= 0 || dot == pid.length() - 1 || pid.length() > 128 || offset < 0) {
            log.debug("not recovering: malformed private id or offset");
            return CompletableFuture.completedFuture(null);
        }
        String socketId = pid.substring(0, dot);
        String secret = pid.substring(dot + 1);
        List<String[]> waiting = expectForwards(socketId);
        return store.claim(socketId, secret, identity.userId(), namespace, nodeId, offset)
                .thenAccept(claim -> {
                    metrics.recovery(claim instanceof SessionStore.Claim.Recovered
                            ? SignalingMetrics.RecoveryOutcome.RECOVERED : SignalingMetrics.RecoveryOutcome.REFUSED);
                    if (claim instanceof SessionStore.Claim.Recovered recovered) {
                        tickets.put(engineSession, new Ticket(socketId, secret, recovered.previousNode(),
                                recovered.generation(), offset, recovered.missed()));
                    } else {
                        dropForwards(socketId, waiting);
                        log.debug("not recovering socket {}: {}", socketId, ((SessionStore.Claim.Refused) claim).reason());
                    }
                })
                .exceptionally(error -> {
                    dropForwards(socketId, waiting);
                    log.warn("cannot recover a session now (a new one is made): {}", error.toString());
                    return null;
                });
    }

    /** From now on, events forwarded to {@code socketId} before it is admitted here wait for it. */
    private List<String[]> expectForwards(String socketId) {
        List<String[]> waiting = new ArrayList<>();
        synchronized (early) {
            early.put(socketId, waiting);
        }
        try {
            timers.schedule(() -> dropForwards(socketId, waiting), EARLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the node is stopping: nothing will be admitted any more
        }
        return waiting;
    }

    private void dropForwards(String socketId, List<String[]> waiting) {
        synchronized (early) {
            early.remove(socketId, waiting);
        }
    }

    /** Hands the events forwarded to {@code socket} ahead of its admission to it (it buffers them). */
    private void deliverEarlyForwards(LocalSocket socket) {
        synchronized (early) {
            List<String[]> waiting = early.remove(socket.id());
            if (waiting != null) {
                for (String[] event : waiting) {
                    socket.send(event[0], new RawValue(event[1]));
                }
            }
        }
    }

    private static long offsetOf(Object offset) {
        if (offset == null) {
            return 0;
        }
        if (!(offset instanceof String text) || text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }

    /** The ticket of a claim made for this Engine.IO session, once; null when none. */
    public Ticket takeTicket(UUID engineSession) {
        return tickets.remove(engineSession);
    }

    /** A claim whose socket was not admitted after all: its session ends, as a departure. */
    public void abandon(Ticket ticket) {
        synchronized (early) {
            early.remove(ticket.socketId());
        }
        log.info("socket {} was recovered but not admitted; it departs", ticket.socketId());
        store.release(ticket.socketId(), nodeId)
                .thenCompose(released -> tellPreviousNode(ticket))
                .thenCompose(ok -> rooms.evict(ticket.socketId()))
                .thenCompose(ok -> presence.unregister(ticket.socketId()))
                .exceptionally(error -> null);
    }

    /**
     * Puts the session of {@code socket} back into the store after the store lost it (Redis came
     * back empty), as it was: same holder generation, offsets going on after the last one its
     * client was given, held again when the socket is held. Does nothing when the store still has
     * a session for it. Never fails.
     */
    public CompletionStage<Void> republish(LocalSocket socket) {
        if (!enabled() || socket.secret() == null || socket.hasMovedAway() || socket.leftCleanly()) {
            return CompletableFuture.completedFuture(null);
        }
        SessionStore.Session session = new SessionStore.Session(socket.id(), socket.secret(), nodeId, socket.userId(),
                socket.namespace());
        return store.restore(session, socket.generation(), socket.lastOffset())
                .thenCompose(restored -> restored && socket.isHeld()
                        ? store.hold(socket.id(), nodeId, config.window()).thenApply(holder -> (Void) null)
                        : CompletableFuture.<Void>completedFuture(null))
                .exceptionally(error -> {
                    log.debug("session of socket {} not put back: {}", socket.id(), error.toString());
                    return null;
                });
    }

    /** A new socket's session, recoverable from now on. */
    public CompletionStage<Void> opened(LocalSocket socket) {
        if (socket.secret() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return store.open(new SessionStore.Session(socket.id(), socket.secret(), nodeId, socket.userId(), socket.namespace()))
                .exceptionally(error -> {
                    log.debug("session of socket {} is not recoverable: {}", socket.id(), error.toString());
                    return null;
                });
    }

    /**
     * Puts a recovered socket back as it was: directory, rooms and rosters (its room-mates' nodes
     * learn where it is), then the events it missed with their offsets, then what came meanwhile.
     * Runs first in the socket's task order, so its own events wait for it.
     */
    public CompletionStage<Void> resume(LocalSocket socket, Ticket ticket) {
        log.info("socket recovered (was on node {}, {} missed events)", ticket.previousNode(), ticket.missed().size());
        LocalSocket superseded = sockets.takeSuperseded(socket.id());
        cancelGrace(socket.id());
        socket.offsetAtLeast(ticket.offset());
        deliverEarlyForwards(socket);
        return presence.register(socket.id(), nodeId)
                .thenCompose(ok -> rooms.resume(socket, mediaStates))
                .thenCompose(ok -> superseded != null ? forgetSuperseded(superseded) : tellPreviousNode(ticket))
                .handle((ok, error) -> {
                    if (error != null) {
                        log.warn("recovery of socket {} is incomplete: {}", socket.id(), error.toString());
                    }
                    List<Object[]> missed = new ArrayList<>(ticket.missed().size());
                    for (SessionStore.LoggedEvent event : ticket.missed()) {
                        missed.add(new Object[] {event.event(), new RawValue(event.payloadJson()), Long.toString(event.offset())});
                    }
                    socket.replayAndGoLive(missed);
                    return null;
                });
    }

    private CompletionStage<Void> forgetSuperseded(LocalSocket superseded) {
        if (!superseded.isHeld()) {
            superseded.dropTransport();
        }
        superseded.stopOutput();
        return rooms.forgetLocally(superseded);
    }

    private CompletionStage<Void> tellPreviousNode(Ticket ticket) {
        if (ticket.previousNode() == null || ticket.previousNode().equals(nodeId)) {
            return CompletableFuture.completedFuture(null);
        }
        ClusterMessage taken = new ClusterMessage.ToSocket(nodeId, null, ticket.socketId(), TAKEN_EVENT,
                JSON.createObjectNode().put("socket", ticket.socketId()).toString());
        return bus.sendToNode(ticket.previousNode(), taken).exceptionally(error -> null);
    }

    // ---- disconnect ----------------------------------------------------------------------------

    /**
     * What a disconnected socket owes: nothing when its session went to another node; its
     * departure at once after a clean leave (or with recovery off); otherwise it is held for the
     * grace. {@code depart} announces the departure (leaves the rooms, unregisters).
     */
    public CompletionStage<Void> disconnected(LocalSocket socket, Function<LocalSocket, CompletionStage<Void>> depart) {
        if (socket.hasMovedAway()) {
            return rooms.forgetLocally(socket);
        }
        if (socket.secret() == null || socket.leftCleanly()) {
            if (socket.secret() != null) {
                store.release(socket.id(), nodeId).exceptionally(error -> null);
            }
            return depart.apply(socket);
        }
        return store.hold(socket.id(), nodeId, config.window()).handle((holder, error) -> {
            if (error != null || holder == null) {
                log.debug("socket {} cannot be held for a recovery; it departs", socket.id());
                return depart.apply(socket);
            }
            if (!holder.equals(nodeId)) {
                socket.stopOutput();
                return rooms.forgetLocally(socket);
            }
            hold(socket, depart);
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(next -> next);
    }

    /**
     * The node is about to close this socket's transport itself (a drain): from now on, what is
     * sent to it goes to its session's log, so that nothing is written to a connection that is
     * closing and lost; the client gets it on its recovery.
     */
    public void divertBeforeDrop(LocalSocket socket) {
        if (enabled() && socket.secret() != null && !socket.leftCleanly()) {
            socket.keepOutputIfLive((event, payload) -> keep(socket.id(), socket.generation(), event, payload));
        }
    }

    private void hold(LocalSocket socket, Function<LocalSocket, CompletionStage<Void>> depart) {
        socket.keepOutput((event, payload) -> keep(socket.id(), socket.generation(), event, payload));
        sockets.hold(socket);
        metrics.recovery(SignalingMetrics.RecoveryOutcome.HELD);
        log.info("socket dropped; held for {} ms", config.grace().toMillis());
        try {
            graces.put(socket.id(), timers.schedule(() -> graceEnded(socket, depart),
                    config.grace().toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException stopping) {
            log.debug("not holding socket {}: the node is stopping", socket.id());
        }
    }

    private void cancelGrace(String socketId) {
        ScheduledFuture<?> grace = graces.remove(socketId);
        if (grace != null) {
            grace.cancel(false);
        }
    }

    private void graceEnded(LocalSocket socket, Function<LocalSocket, CompletionStage<Void>> depart) {
        graces.remove(socket.id());
        socket.submit(() -> store.release(socket.id(), nodeId).handle((released, error) -> {
            if (error == null && !released) {
                // Recovered elsewhere meanwhile (the hand-over message may still be on its way).
                socket.stopOutput();
                sockets.unhold(socket);
                return rooms.forgetLocally(socket);
            }
            log.info("socket {} did not come back within {} ms; it departs", socket.id(), config.grace().toMillis());
            metrics.recovery(SignalingMetrics.RecoveryOutcome.DEPARTED);
            socket.stopOutput();
            sockets.unhold(socket);
            return depart.apply(socket);
        }).thenCompose(next -> next));
    }

    /** Keeps an event for a held socket in its session's log; forwards it if the session moved meanwhile. */
    private void keep(String socketId, long generation, String event, Object payload) {
        String json;
        try {
            json = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            log.debug("dropping an event for held socket {}: {}", socketId, e.toString());
            return;
        }
        tracked(store.append(socketId, nodeId, generation, event, json, config.window()).thenCompose(appended ->
                appended.moved() != null ? forward(appended.moved(), socketId, event, json)
                        : CompletableFuture.<Void>completedFuture(null)))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.debug("an event for held socket {} is lost: {}", socketId, error.toString());
                    }
                });
    }

    /** Counts {@code stage} among the events being kept until it completes (see {@link #awaitKept}). */
    private <T> CompletionStage<T> tracked(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        keeping.add(future);
        future.whenComplete((result, error) -> keeping.remove(future));
        return future;
    }

    /**
     * Waits, at most {@code timeout}, until the events for held sockets this node is keeping (in
     * their sessions' logs, or forwarding to where the session went) are kept: a stopping node
     * calls it once nothing new reaches it, before it lets go of the shared state.
     */
    public void awaitKept(Duration timeout) {
        try {
            CompletableFuture.allOf(keeping.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("not every event for a held socket was kept: {}", e.toString());
        }
    }

    private CompletionStage<Void> forward(String node, String socketId, String event, String json) {
        if (node.equals(nodeId)) {
            // Superseded here by a newer holder (recovered on this same node).
            LocalSocket now = sockets.byId(socketId);
            if (now != null) {
                now.send(event, new RawValue(json));
            }
            return CompletableFuture.completedFuture(null);
        }
        return bus.sendToNode(node, forwarded(socketId, event, json)).exceptionally(error -> null);
    }

    private ClusterMessage forwarded(String socketId, String event, String json) {
        String envelope = "[" + quote(socketId) + "," + quote(event) + "," + json + "]";
        return new ClusterMessage.ToSocket(nodeId, null, socketId, FORWARD_EVENT, envelope);
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A relay for {@code socketId} whose node {@code nodeId} did not listen (it died): kept in the
     * socket's log for its recovery, or sent on to the node that recovered it. True when kept or
     * sent on.
     */
    public CompletionStage<Boolean> keepUnheard(String socketId, String nodeId, String event, String payloadJson) {
        if (!enabled()) {
            return CompletableFuture.completedFuture(false);
        }
        return tracked(store.append(socketId, nodeId, -1, event, payloadJson, config.window())).thenCompose(appended -> {
            if (appended.kept()) {
                return CompletableFuture.completedFuture(true);
            }
            if (appended.moved() != null && !appended.moved().equals(nodeId)) {
                return bus.sendToNode(appended.moved(), forwarded(socketId, event, payloadJson)).thenApply(ok -> true);
            }
            return CompletableFuture.completedFuture(false);
        }).exceptionally(error -> false);
    }

    // ---- messages from other nodes -------------------------------------------------------------

    /** {@link #TAKEN_EVENT}: the socket's session went to another node; forget it here, silently. */
    public void onTaken(String payloadJson) {
        String socketId;
        try {
            JsonNode node = JSON.readTree(payloadJson);
            socketId = node.path("socket").asText(null);
        } catch (JsonProcessingException e) {
            return;
        }
        if (socketId == null) {
            return;
        }
        LocalSocket socket = sockets.byId(socketId);
        if (socket == null) {
            return;
        }
        cancelGrace(socketId);
        boolean held = socket.isHeld();
        socket.movedAway();
        if (held) {
            sockets.unhold(socket);
            socket.submit(() -> rooms.forgetLocally(socket));
        } else {
            log.info("socket {} was recovered on another node; closing its old transport", socketId);
            socket.dropTransport();
        }
    }

    /** {@link #FORWARD_EVENT}: a client event for a socket that is here now. */
    public void onForward(String payloadJson) {
        try {
            JsonNode envelope = JSON.readTree(payloadJson);
            if (envelope.isArray() && envelope.size() == 3 && envelope.get(0).isTextual() && envelope.get(1).isTextual()) {
                String socketId = envelope.get(0).asText();
                String event = envelope.get(1).asText();
                String json = envelope.get(2).toString();
                synchronized (early) {
                    List<String[]> waiting = early.get(socketId);
                    LocalSocket target = sockets.byId(socketId);
                    if (waiting != null && (target == null || target.isHeld())) {
                        // Not admitted here yet (a held socket here is its previous holder).
                        waiting.add(new String[] {event, json});
                        return;
                    }
                    if (target == null) {
                        log.debug("dropping an event forwarded to socket {}: it is not here", socketId);
                        return;
                    }
                    if (waiting != null) {
                        // Admitted, not resumed yet: what came first goes first.
                        deliverEarlyForwards(target);
                    }
                    target.send(event, new RawValue(json));
                }
            }
        } catch (JsonProcessingException e) {
            log.debug("dropping a malformed forwarded event");
        }
    }

    // ---- dead nodes ----------------------------------------------------------------------------

    /**
     * The reaper's share: the sockets of dead node {@code deadNode} whose sessions are recoverable
     * are held for the grace (evicted after it unless recovered); returns the others, to evict now.
     */
    public CompletionStage<Set<String>> holdOrphans(String deadNode, Set<String> orphans,
                                                    Function<String, CompletionStage<Void>> evict) {
        if (!enabled() || orphans.isEmpty()) {
            return CompletableFuture.completedFuture(orphans);
        }
        Set<String> now = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (String orphan : orphans) {
            steps.add(store.hold(orphan, deadNode, config.window()).handle((holder, error) -> {
                if (error != null || holder == null) {
                    now.add(orphan);
                } else if (holder.equals(deadNode)) {
                    metrics.recovery(SignalingMetrics.RecoveryOutcome.HELD);
                    scheduleOrphanEviction(orphan, deadNode, evict);
                }
                return (Void) null;
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).thenApply(all -> Set.copyOf(now));
    }

    private void scheduleOrphanEviction(String orphan, String deadNode, Function<String, CompletionStage<Void>> evict) {
        Runnable due = () -> store.release(orphan, deadNode).handle((released, error) -> {
            if (error != null || released) {
                log.info("socket {} of dead node {} did not come back; it departs", orphan, deadNode);
                metrics.recovery(SignalingMetrics.RecoveryOutcome.DEPARTED);
                return evict.apply(orphan);
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(next -> next).exceptionally(error -> null);
        try {
            timers.schedule(due, config.grace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            due.run();
        }
    }

    /** How long departures of abrupt drops wait. */
    public Duration grace() {
        return config.grace();
    }
}
