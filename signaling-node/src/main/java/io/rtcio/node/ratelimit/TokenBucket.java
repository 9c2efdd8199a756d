package io.rtcio.node.ratelimit;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled at {@code perSecond}; each event
 * takes one. Starts full. Not thread-safe: its owner serialises access.
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long refilledAt;

    TokenBucket(int perSecond, int capacity, long now) {
        this.capacity = capacity;
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Takes a token if one is there at {@code now} (nanoseconds, monotonic). */
    boolean tryTake(long now) {
        if (now > refilledAt) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
