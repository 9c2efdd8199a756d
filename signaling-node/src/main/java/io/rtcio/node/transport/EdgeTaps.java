package io.rtcio.node.transport;

import io.rtcio.node.extension.EventTap;
import io.rtcio.node.extension.TappedEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each event seen at the edge to the event taps; a tap that throws is logged (at most every 10 s) and skipped. */
final class EdgeTaps {

    private static final Logger log = LoggerFactory.getLogger(EdgeTaps.class);
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final List<EventTap> taps;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    EdgeTaps(List<EventTap> taps) {
        this.taps = List.copyOf(taps);
    }

    boolean any() {
        return !taps.isEmpty();
    }

    void publish(TappedEvent event) {
        for (EventTap tap : taps) {
            try {
                tap.onEvent(event);
            } catch (RuntimeException e) {
                long now = System.nanoTime();
                long last = lastWarning.get();
                if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
                    log.warn("event tap {} failed (further failures within 10 s are not logged): {}",
                            tap.getClass().getName(), e.toString());
                }
            }
        }
    }
}
