package io.rtcio.node.relay;

import io.rtcio.node.logging.RateLimitedLog;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.metrics.SignalingMetrics.DropReason;
import io.rtcio.node.metrics.SignalingMetrics.RelayPath;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.protocol.RelayEnvelope;
import io.rtcio.node.session.LocalSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code #rtcio:message {source, target, data}}: forwarded to {@code target} unchanged except
 * {@code source}, which the server sets to the sender (a client cannot spoof it). An unknown
 * target, or one the {@link RelayPolicy} refuses, is dropped silently and counted. A relay to
 * another node is one bus message: the policy knows the target's node. Each relay is counted
 * once: delivered by path (with its latency), or dropped by reason; a shared state or bus that
 * cannot be reached drops it as {@code cluster_unavailable}.
 */
public final class RtcioMessageHandler implements EventHandler {

    private static final Logger log = LoggerFactory.getLogger(RtcioMessageHandler.class);
    private static final RateLimitedLog unavailableLog = new RateLimitedLog(log);

    private final Relay relay;
    private final SignalingMetrics metrics;
    private final RelayPolicy policy;

    public RtcioMessageHandler(Relay relay, SignalingMetrics metrics, RelayPolicy policy) {
        this.relay = relay;
        this.metrics = metrics;
        this.policy = policy;
    }

    @Override
    public CompletionStage<?> handle(LocalSocket socket, Object payload, Ack ack) {
        long start = System.nanoTime();
        if (payload instanceof RelayEnvelope raw) {
            // As the client wrote it: the target read, source set, data never parsed nor re-encoded.
            String target = raw.target();
            if (target.isEmpty() || target.length() > Limits.MAX_SOCKET_ID_LENGTH) {
                // The ordinary path words the refusal.
                Payloads.requiredString(Map.of("target", target), "target", Limits.MAX_SOCKET_ID_LENGTH, null);
            }
            return route(socket, target, start, node -> relay.toSocketOnEncoded(node, socket.id(), target,
                    Events.RTCIO_MESSAGE, raw.withSource(socket.id())));
        }
        Map<String, Object> body = Payloads.object(payload, Events.RTCIO_MESSAGE);
        String target = Payloads.requiredString(body, "target", Limits.MAX_SOCKET_ID_LENGTH, null);
        Map<String, Object> envelope = new LinkedHashMap<>(body);
        envelope.put("source", socket.id());
        return route(socket, target, start,
                node -> relay.toSocketOn(node, socket.id(), target, Events.RTCIO_MESSAGE, envelope));
    }

    private CompletionStage<Void> route(LocalSocket socket, String target, long start,
                                        Function<String, CompletionStage<Boolean>> send) {
        // The socket's next event waits for the route (immediate when the target was introduced to
        // it), not for Redis to acknowledge the PUBLISH: the bus keeps a node's messages in order, and
        // waiting would hold the sender's queue a round trip per message on the Redis thread. The
        // relay is counted (and timed) once the bus took it or refused it.
        return policy.route(socket, target).handle((node, error) -> {
            if (error != null) {
                record(target, Optional.empty(), null, error, start);
                return null;
            }
            CompletionStage<Boolean> sent = node.isPresent() ? send.apply(node.get()) : CompletableFuture.completedFuture(false);
            sent.whenComplete((delivered, sendError) -> record(target, node, delivered, sendError, start));
            return null;
        });
    }

    private void record(String target, Optional<String> node, Boolean delivered, Throwable error,
                        long start) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RelayRefusedException) {
            metrics.relayDropped(DropReason.NOT_SHARED_ROOM);
        } else if (cause != null) {
            if (!(cause instanceof ClusterUnavailableException)) {
                // The shared state could not be read to route it: a failure of the cluster, like a publish.
                metrics.publishFailed();
            }
            metrics.relayDropped(DropReason.CLUSTER_UNAVAILABLE);
            unavailableLog.warn("dropping relays: the cluster state is unreachable: {}", cause.toString());
        } else if (Boolean.TRUE.equals(delivered)) {
            RelayPath path = node.filter(id -> !id.equals(relay.localNode())).isPresent() ? RelayPath.REMOTE : RelayPath.LOCAL;
            metrics.relayDelivered(path, System.nanoTime() - start);
        } else {
            metrics.relayDropped(node.isPresent() && relay.isLocal(target)
                    ? DropReason.NOT_SHARED_ROOM : DropReason.UNKNOWN_TARGET);
        }
    }
}
