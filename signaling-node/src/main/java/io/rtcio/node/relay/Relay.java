package io.rtcio.node.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.node.logging.RateLimitedLog;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to a socket or to a room wherever the recipients are connected: locally when
 * they are on this node, otherwise through the {@link ClusterBus} to the owning node(s), which
 * deliver them locally in turn. Handlers go through this class, never through netty-socketio
 * broadcasts or the bus directly.
 */
public final class Relay {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final RateLimitedLog publishFailureLog = new RateLimitedLog(log);

    private final SocketRegistry sockets;
    private final ClusterBus bus;
    private final SignalingMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Consumer<String>> internalEvents = new ConcurrentHashMap<>();
    private volatile BiPredicate<LocalSocket, String> deliveryGuard = (target, senderId) -> true;
    private volatile Unheard unheard = (targetId, nodeId, event, payloadJson) -> CompletableFuture.completedFuture(false);

    /** What becomes of an event for a socket whose node did not listen (it died). */
    @FunctionalInterface
    public interface Unheard {
        /** Completes with true when the event was kept for the socket, or sent on to where it is now. */
        CompletionStage<Boolean> keep(String targetId, String nodeId, String event, String payloadJson);
    }

    /** Hands events for sockets on nodes that no longer listen to {@code keeper} (connection-state recovery). */
    public void keepUnheard(Unheard keeper) {
        this.unheard = keeper;
    }

    public Relay(SocketRegistry sockets, ClusterBus bus, SignalingMetrics metrics) {
        this.sockets = sockets;
        this.bus = bus;
        this.metrics = metrics;
        bus.onMessage(this::onClusterMessage);
    }

    /**
     * Checks every socket-addressed event before it is handed to its local target, whichever node
     * sent it: {@code guard} gets the target and the sender's id. A refused event is dropped.
     */
    public void guardDeliveries(BiPredicate<LocalSocket, String> guard) {
        this.deliveryGuard = guard;
    }

    /**
     * Hands socket-addressed bus messages named {@code event} (a node-to-node event, never a client
     * event) to {@code handler} with their payload, instead of delivering them to the socket.
     */
    public void onInternalEvent(String event, Consumer<String> handler) {
        internalEvents.put(event, handler);
    }

    /**
     * Sends {@code event} to the socket {@code targetId} known to live on {@code nodeId} (the node
     * the sender's roster names), without looking it up: one bus message when it is remote.
     * Completes with true when it was delivered locally or handed to the owning node, false when
     * it is not there or the delivery guard refused it; fails when the bus could not take it.
     */
    public CompletionStage<Boolean> toSocketOn(String nodeId, String senderId, String targetId, String event,
                                               Map<String, Object> payload) {
        return toSocketOn(nodeId, senderId, targetId, event, payload, null);
    }

    /**
     * {@link #toSocketOn(String, String, String, String, Map)} for a payload that is already JSON:
     * written to the target's frame, or to the bus, as it is.
     */
    public CompletionStage<Boolean> toSocketOnEncoded(String nodeId, String senderId, String targetId, String event,
                                                      String payloadJson) {
        return toSocketOn(nodeId, senderId, targetId, event, null, payloadJson);
    }

    private CompletionStage<Boolean> toSocketOn(String nodeId, String senderId, String targetId, String event,
                                                Map<String, Object> payload, String payloadJson) {
        if (nodeId.equals(bus.localNode())) {
            LocalSocket local = sockets.byId(targetId);
            if (local == null) {
                // Not registered here for a moment: between the drop of its transport and its hold
                // (or after its session moved on). Its session's log keeps the relay, or the node
                // that recovered it gets it, as for a relay sent to a node that does not listen.
                return unheard.keep(targetId, nodeId, event, payloadJson != null ? payloadJson : encode(payload));
            }
            boolean deliver = deliveryGuard.test(local, senderId);
            if (deliver) {
                local.send(event, payloadJson != null ? new RawValue(payloadJson) : payload);
            }
            return CompletableFuture.completedFuture(deliver);
        }
        String encoded = payloadJson != null ? payloadJson : encode(payload);
        ClusterMessage message = new ClusterMessage.ToSocket(bus.localNode(), senderId, targetId, event, encoded);
        long start = System.nanoTime();
        return bus.sendToNodeIfListening(nodeId, message).handle((heard, error) -> {
            if (error != null) {
                metrics.publishFailed();
                publishFailureLog.warn("relay to node {} failed: {}", nodeId, error.toString());
                throw new ClusterUnavailableException(error);
            }
            metrics.published(System.nanoTime() - start);
            return heard ? CompletableFuture.completedFuture(true) : unheard.keep(targetId, nodeId, event, encoded);
        }).thenCompose(result -> result);
    }

    /** This node's id. */
    public String localNode() {
        return bus.localNode();
    }

    /** Whether {@code socketId} is connected to this node. */
    public boolean isLocal(String socketId) {
        return sockets.byId(socketId) != null;
    }

    /** Sends {@code event} to every member of {@code roomId} except {@code exceptId} (may be null). */
    public CompletionStage<Void> toRoom(String roomId, String exceptId, String event, Map<String, Object> payload) {
        // Encoded once, for the bus and for every local member alike.
        String encoded = encode(payload);
        deliverToLocalMembers(roomId, exceptId, event, new RawValue(encoded));
        ClusterMessage message = new ClusterMessage.ToRoom(bus.localNode(), roomId, exceptId, event, encoded);
        long start = System.nanoTime();
        return bus.sendToRoom(roomId, message).handle((ok, error) -> {
            if (error != null) {
                metrics.publishFailed();
                publishFailureLog.warn("room broadcast of {} failed: {}", event, error.toString());
            } else {
                metrics.published(System.nanoTime() - start);
            }
            return null;
        });
    }

    private void deliverToLocalMembers(String roomId, String exceptId, String event, Object payload) {
        for (LocalSocket member : sockets.localMembers(roomId)) {
            if (!member.id().equals(exceptId)) {
                member.send(event, payload);
            }
        }
    }

    private void onClusterMessage(ClusterMessage message) {
        metrics.clusterReceived();
        try {
            if (message instanceof ClusterMessage.ToSocket toSocket && internalEvents.containsKey(toSocket.event())) {
                internalEvents.get(toSocket.event()).accept(toSocket.payloadJson());
            } else if (message instanceof ClusterMessage.ToSocket toSocket) {
                LocalSocket target = sockets.byId(toSocket.targetSocket());
                if (target == null) {
                    // Sent here by a roster that is behind: the socket may have moved on (its session
                    // recovered elsewhere); the recovery sends the event on to it, or it is dropped.
                    unheard.keep(toSocket.targetSocket(), bus.localNode(), toSocket.event(), toSocket.payloadJson())
                            .whenComplete((kept, error) -> {
                                if (error != null || !Boolean.TRUE.equals(kept)) {
                                    metrics.relayDropped(SignalingMetrics.DropReason.UNKNOWN_TARGET);
                                    log.debug("dropping {} for {}: not on this node", toSocket.event(), toSocket.targetSocket());
                                }
                            });
                    return;
                }
                if (!deliveryGuard.test(target, toSocket.senderSocket())) {
                    metrics.relayDropped(SignalingMetrics.DropReason.NOT_SHARED_ROOM);
                    log.debug("dropping {} for {}: the relay policy refuses it here", toSocket.event(), toSocket.targetSocket());
                    return;
                }
                // The payload is already JSON (this service encoded it on the sending node): written as is.
                target.send(toSocket.event(), new RawValue(toSocket.payloadJson()));
            } else if (message instanceof ClusterMessage.ToRoom toRoom) {
                deliverToLocalMembers(toRoom.roomId(), toRoom.exceptSocket(), toRoom.event(), new RawValue(toRoom.payloadJson()));
            }
        } catch (RuntimeException e) {
            metrics.receiveFailed();
            log.debug("dropping undeliverable cluster message: {}", e.toString());
        }
    }

    private String encode(Map<String, Object> payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be encoded", e);
        }
    }
}
