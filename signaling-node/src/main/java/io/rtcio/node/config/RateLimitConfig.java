package io.rtcio.node.config;

import java.time.Duration;

/**
 * The per-socket event rate limit. It shapes rather than drops: events over the sustained rate are
 * held and handled late, in order, as long as the socket's backlog stays within {@code maxDelay};
 * only events beyond that are refused, and a socket still refused after {@code disconnectAfter} is
 * disconnected.
 *
 * @param eventsPerSecond  sustained events a socket may send per second; 0 turns the limit off ({@code RATE_LIMIT_EVENTS_PER_SEC})
 * @param burst            events a socket may send at once, undelayed, above the sustained rate ({@code RATE_LIMIT_BURST})
 * @param maxDelay         the longest an event is held before it is handled; events that would wait longer are
 *                         refused with {@code rate-limited} ({@code RATE_LIMIT_MAX_DELAY_MS})
 * @param disconnectAfter  a socket still refused after this long is disconnected; zero never disconnects
 *                         ({@code RATE_LIMIT_DISCONNECT_AFTER_MS})
 */
public record RateLimitConfig(int eventsPerSecond, int burst, Duration maxDelay, Duration disconnectAfter) {

    public static final int DEFAULT_EVENTS_PER_SECOND = 50;
    /** Covers the first second of a joiner in an 8-peer mesh: 7 answers and ~15 ICE candidates per pair. */
    public static final int DEFAULT_BURST = 150;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DISCONNECT_AFTER = Duration.ofSeconds(3);

    /** The defaults: 50 events/s, a burst of 150, events held up to 2 s, disconnect after 3 s of refusals. */
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(DEFAULT_EVENTS_PER_SECOND, DEFAULT_BURST, DEFAULT_MAX_DELAY, DEFAULT_DISCONNECT_AFTER);
    }

    public boolean enabled() {
        return eventsPerSecond > 0;
    }
}
