package io.rtcio.cluster.redis;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one node's {@link RedisClusterBus} did since it started, for metrics and tests. Counts only
 * grow. Thread-safe.
 */
public final class BusCounters {

    private final LongAdder published = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    /** Publishes Redis accepted (one per {@code sendToNode} or {@code sendToRoom}). */
    public long published() {
        return published.sum();
    }

    /** Publishes that failed (Redis unreachable, timeout, bus closed). */
    public long publishFailures() {
        return publishFailures.sum();
    }

    /**
     * Messages decoded and handed towards the handler (whether or not one was registered). This
     * node's own room messages, which Redis echoes back, are not counted.
     */
    public long received() {
        return received.sum();
    }

    /** Bus messages that were not valid envelopes, dropped. */
    public long decodeFailures() {
        return decodeFailures.sum();
    }

    /** Messages whose handler threw. */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    void publishSucceeded() {
        published.increment();
    }

    void publishFailed() {
        publishFailures.increment();
    }

    void messageReceived() {
        received.increment();
    }

    void decodeFailed() {
        decodeFailures.increment();
    }

    void handlerFailed() {
        handlerFailures.increment();
    }
}
