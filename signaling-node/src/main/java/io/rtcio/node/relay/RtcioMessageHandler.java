package io.rtcio.node.relay;

import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.protocol.RelayEnvelope;
import io.rtcio.node.session.LocalSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code #rtcio:message {source, target, data}}: forwarded to {@code target} unchanged except
 * {@code source}, which the server sets to the sender (a client cannot spoof it). An unknown
 * target, or one the {@link RelayPolicy} refuses, is dropped silently and counted. A relay to
 * another node is one bus message: the policy knows the target's node.
 */
public final class RtcioMessageHandler implements EventHandler {

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
        if (payload instanceof RelayEnvelope raw) {
            // As the client wrote it: the target read, source set, data never parsed nor re-encoded.
            String target = raw.target();
            if (target.isEmpty() || target.length() > Limits.MAX_SOCKET_ID_LENGTH) {
                // The ordinary path words the refusal.
                Payloads.requiredString(Map.of("target", target), "target", Limits.MAX_SOCKET_ID_LENGTH, null);
            }
            return route(socket, target, node -> relay.toSocketOnEncoded(node, socket.id(), target,
                    Events.RTCIO_MESSAGE, raw.withSource(socket.id())));
        }
        Map<String, Object> body = Payloads.object(payload, Events.RTCIO_MESSAGE);
        String target = Payloads.requiredString(body, "target", Limits.MAX_SOCKET_ID_LENGTH, null);
        Map<String, Object> envelope = new LinkedHashMap<>(body);
        envelope.put("source", socket.id());
        return route(socket, target, node -> relay.toSocketOn(node, socket.id(), target, Events.RTCIO_MESSAGE, envelope));
    }

    private CompletionStage<Void> route(LocalSocket socket, String target, Function<String, CompletionStage<Boolean>> send) {
        // The socket's next event waits for the route (immediate when the target was introduced to
        // it), not for Redis to acknowledge the PUBLISH: the bus keeps a node's messages in order, and
        // waiting would hold the sender's queue a round trip per message on the Redis thread.
        return policy.route(socket, target).thenAccept(node -> {
            CompletionStage<Boolean> sent = node.isPresent() ? send.apply(node.get()) : CompletableFuture.completedFuture(false);
            sent.thenAccept(delivered -> metrics.relay(delivered
                    ? SignalingMetrics.RelayResult.DELIVERED : SignalingMetrics.RelayResult.DROPPED));
        });
    }
}
