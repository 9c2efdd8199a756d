package io.rtcio.node.ratelimit;

import io.rtcio.node.config.RateLimitConfig;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The event rate limit of each Engine.IO session (one browser socket): a token bucket of
 * {@code burst} tokens refilled at {@code eventsPerSecond}. An event over the limit is dropped;
 * the sender is told at most {@link #TELL_INTERVAL_NANOS twice a second}, not once per drop. A
 * session that keeps flooding, refused at least once a second for {@code disconnectAfter}, is to be
 * disconnected. Thread-safe; per-session state is forgotten with {@link #forget}.
 */
public final class RateLimiter {

    /** What to do with one event. */
    public enum Verdict {
        /** Within the limit: handle it. */
        PASS,
        /** Over the limit: drop it silently (the sender was told recently). */
        DROP,
        /** Over the limit: drop it and send the sender {@code error {code:'rate-limited'}}. */
        DROP_AND_TELL,
        /** Still flooding after the grace period: drop it and disconnect the sender. */
        DISCONNECT
    }

    /** At most one {@code rate-limited} error per half second. */
    static final long TELL_INTERVAL_NANOS = 500_000_000L;
    /** A second without refusals ends a flood. */
    static final long FLOOD_GAP_NANOS = 1_000_000_000L;

    private final RateLimitConfig config;
    private final LongSupplier clock;
    private final Map<UUID, SessionState> sessions = new ConcurrentHashMap<>();

    /** @param clock monotonic nanoseconds (e.g. {@code System::nanoTime}) */
    public RateLimiter(RateLimitConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Counts one event of {@code session} and says what to do with it. */
    public Verdict admit(UUID session) {
        if (!config.enabled()) {
            return Verdict.PASS;
        }
        long now = clock.getAsLong();
        SessionState state = sessions.computeIfAbsent(session, s -> new SessionState(config, now));
        synchronized (state) {
            return state.admit(now, config.disconnectAfter().toNanos());
        }
    }

    /** Forgets a session that ended. */
    public void forget(UUID session) {
        sessions.remove(session);
    }

    /** Sessions with state, for tests and leak checks. */
    public int tracked() {
        return sessions.size();
    }

    private static final class SessionState {
        private final TokenBucket bucket;
        private long floodingSince;
        private long lastDrop = Long.MIN_VALUE;
        private long lastTold = Long.MIN_VALUE;

        SessionState(RateLimitConfig config, long now) {
            bucket = new TokenBucket(config.eventsPerSecond(), config.burst(), now);
        }

        Verdict admit(long now, long disconnectAfter) {
            if (bucket.tryTake(now)) {
                return Verdict.PASS;
            }
            if (lastDrop == Long.MIN_VALUE || now - lastDrop > FLOOD_GAP_NANOS) {
                floodingSince = now;
            }
            lastDrop = now;
            if (disconnectAfter > 0 && now - floodingSince >= disconnectAfter) {
                return Verdict.DISCONNECT;
            }
            if (lastTold == Long.MIN_VALUE || now - lastTold >= TELL_INTERVAL_NANOS) {
                lastTold = now;
                return Verdict.DROP_AND_TELL;
            }
            return Verdict.DROP;
        }
    }
}
