package io.rtcio.node.metrics;

import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.SignalingException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Wraps room handlers to count and time them, without touching their logic. */
public final class MeteredHandlers {

    private MeteredHandlers() {
    }

    /**
     * {@code join-room}: counted by result ({@code ok} or the error code it was refused with; any
     * other failure as {@code error}) and timed from receipt to answer.
     */
    public static EventHandler join(EventHandler join, SignalingMetrics metrics) {
        return (socket, payload, ack) -> {
            long start = System.nanoTime();
            CompletionStage<?> stage;
            try {
                stage = join.handle(socket, payload, ack);
            } catch (RuntimeException e) {
                record(metrics, e, start);
                throw e;
            }
            return stage.whenComplete((ok, error) -> record(metrics, error, start));
        };
    }

    /** {@code leave-room}: a membership ended by the client's own leave, once it succeeded. */
    public static EventHandler leave(EventHandler leave, SignalingMetrics metrics) {
        return (socket, payload, ack) -> leave.handle(socket, payload, ack).thenApply(ok -> {
            metrics.leaves(SignalingMetrics.LeaveCause.LEAVE, 1);
            return ok;
        });
    }

    private static void record(SignalingMetrics metrics, Throwable error, long start) {
        long nanos = System.nanoTime() - start;
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause == null) {
            metrics.join(null, nanos);
        } else if (cause instanceof SignalingException refusal) {
            metrics.join(refusal.code(), nanos);
        } else {
            metrics.joinFailed(nanos);
        }
    }
}
