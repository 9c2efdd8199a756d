package io.rtcio.node.relay;

import io.rtcio.node.logging.RateLimitedLog;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.metrics.SignalingMetrics.DropReason;
import io.rtcio.node.metrics.SignalingMetrics.RelayPath;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.session.LocalSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
        Map<String, Object> body = Payloads.object(payload, Events.RTCIO_MESSAGE);
        String target = Payloads.requiredString(body, "target", Limits.MAX_SOCKET_ID_LENGTH, null);
        Map<String, Object> envelope = new LinkedHashMap<>(body);
        envelope.put("source", socket.id());
        String[] routedTo = new String[1];
        return policy.route(socket, target)
                .thenCompose(node -> {
                    routedTo[0] = node.orElse(null);
                    return node.isPresent()
                            ? relay.toSocketOn(node.get(), socket.id(), target, Events.RTCIO_MESSAGE, envelope)
                            : CompletableFuture.completedFuture(false);
                })
                .handle((delivered, error) -> {
                    record(target, Optional.ofNullable(routedTo[0]), delivered, error, start);
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
