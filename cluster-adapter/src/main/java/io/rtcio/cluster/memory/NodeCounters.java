package io.rtcio.cluster.memory;

import java.util.concurrent.atomic.LongAdder;

/** What one node's bus delivered; outlives the bus so tests can read it after close. Thread-safe. */
final class NodeCounters {

    private final LongAdder received = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    void messageReceived() {
        received.increment();
    }

    void handlerFailed() {
        handlerFailures.increment();
    }

    long received() {
        return received.sum();
    }

    long handlerFailures() {
        return handlerFailures.sum();
    }
}
