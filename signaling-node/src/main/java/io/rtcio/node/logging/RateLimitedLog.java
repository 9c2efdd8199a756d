package io.rtcio.node.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A WARN that may repeat at traffic rate (one per dropped relay during a Redis outage, say): the
 * first occurrence is logged, further ones within {@link #DEFAULT_INTERVAL} only counted, and the
 * next line logged says how many were suppressed meanwhile. Thread-safe, lock-free.
 */
public final class RateLimitedLog {

    /** At most one line per this interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong lastLogged;
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log) {
        this(log, DEFAULT_INTERVAL, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.lastLogged = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
    }

    /**
     * Logs {@code format} (an SLF4J template) at WARN unless a line was logged within the interval;
     * then it is only counted. A logged line carries the count suppressed since the last one.
     */
    public void warn(String format, Object... arguments) {
        long now = nanoTime.getAsLong();
        long last = lastLogged.get();
        if (now - last < intervalNanos || !lastLogged.compareAndSet(last, now)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (!log.isWarnEnabled()) {
            return;
        }
        if (skipped == 0) {
            log.warn(format, arguments);
        } else {
            Object[] withCount = Arrays.copyOf(arguments, arguments.length + 1);
            withCount[arguments.length] = skipped;
            log.warn(format + " ({} more like this were not logged since the last one)", withCount);
        }
    }

    /** Occurrences counted but not logged since the last line. */
    public long suppressed() {
        return suppressed.get();
    }
}
