package io.rtcio.node.config;

import java.time.Duration;

/**
 * The per-socket event rate limit (a token bucket at the edge).
 *
 * @param eventsPerSecond  sustained events a socket may send per second; 0 turns the limit off ({@code RATE_LIMIT_EVENTS_PER_SEC})
 * @param burst            events a socket may send at once above the sustained rate ({@code RATE_LIMIT_BURST})
 * @param disconnectAfter  a socket still over the limit after this long is disconnected; zero never disconnects
 *                         ({@code RATE_LIMIT_DISCONNECT_AFTER_MS})
 */
public record RateLimitConfig(int eventsPerSecond, int burst, Duration disconnectAfter) {

    public static final int DEFAULT_EVENTS_PER_SECOND = 50;
    public static final int DEFAULT_BURST = 50;
    public static final Duration DEFAULT_DISCONNECT_AFTER = Duration.ofSeconds(3);

    /** The defaults: 50 events/s, a burst of 50, disconnect after 3 s of flooding. */
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(DEFAULT_EVENTS_PER_SECOND, DEFAULT_BURST, DEFAULT_DISCONNECT_AFTER);
    }

    public boolean enabled() {
        return eventsPerSecond > 0;
    }
}
