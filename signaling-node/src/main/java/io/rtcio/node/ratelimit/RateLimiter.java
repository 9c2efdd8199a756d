package io.rtcio.node.ratelimit;

import io.rtcio.node.config.RateLimitConfig;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The event rate limit of each Engine.IO session (one browser socket), a shaper: signaling is a
 * reliable channel (a lost ICE candidate or answer breaks a call silently), so events over the rate
 * are not dropped but given a later slot. Each session has a theoretical arrival time that advances
 * by {@code 1/eventsPerSecond} per event; an event may run at once while that time is at most
 * {@code burst} events ahead of now, and otherwise when it falls back to that distance. Slots are
 * handed out in arrival order, so events run in the order they were sent.
 *
 * <p>An event whose slot would be more than {@code maxDelay} away is refused instead (the backlog
 * is full): the sender is told at most {@link #TELL_INTERVAL_NANOS twice a second}. A session that
 * keeps being refused, at least once a second for {@code disconnectAfter}, is to be disconnected.
 * Thread-safe; per-session state is forgotten with {@link #forget}.
 */
public final class RateLimiter {

    /** What to do with one event. */
    public enum Verdict {
        /** Within the rate: handle it now. */
        PASS,
        /** Over the rate, within the backlog: handle it after {@link Decision#delayNanos()}. */
        DELAY,
        /** The backlog is full: drop it silently (the sender was told recently). */
        REFUSE,
        /** The backlog is full: drop it and send the sender {@code error {code:'rate-limited'}}. */
        REFUSE_AND_TELL,
        /** Still refused after the grace period: drop it and disconnect the sender. */
        DISCONNECT
    }

    /** A verdict and, for {@link Verdict#DELAY}, how long to hold the event. */
    public record Decision(Verdict verdict, long delayNanos) {

        static final Decision PASS = new Decision(Verdict.PASS, 0);
        static final Decision REFUSE = new Decision(Verdict.REFUSE, 0);
        static final Decision REFUSE_AND_TELL = new Decision(Verdict.REFUSE_AND_TELL, 0);
        static final Decision DISCONNECT = new Decision(Verdict.DISCONNECT, 0);

        /** Whether the event is to be handled (now or later). */
        public boolean handled() {
            return verdict == Verdict.PASS || verdict == Verdict.DELAY;
        }
    }

    /** At most one {@code rate-limited} error per half second. */
    static final long TELL_INTERVAL_NANOS = 500_000_000L;
    /** A second without refusals ends a flood. */
    static final long FLOOD_GAP_NANOS = 1_000_000_000L;

    private final RateLimitConfig config;
    private final LongSupplier clock;
    private final long interval;
    private final long tolerance;
    private final long maxDelay;
    private final long disconnectAfter;
    private final Map<UUID, SessionState> sessions = new ConcurrentHashMap<>();

    /** @param clock monotonic nanoseconds (e.g. {@code System::nanoTime}) */
    public RateLimiter(RateLimitConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.interval = config.enabled() ? 1_000_000_000L / config.eventsPerSecond() : 0;
        this.tolerance = interval * Math.max(0, config.burst() - 1);
        this.maxDelay = config.maxDelay().toNanos();
        this.disconnectAfter = config.disconnectAfter().toNanos();
    }

    /** Counts one event of {@code session} and gives it a slot: now, later, or none. */
    public Decision schedule(UUID session) {
        if (!config.enabled()) {
            return Decision.PASS;
        }
        long now = clock.getAsLong();
        SessionState state = sessions.computeIfAbsent(session, s -> new SessionState(now));
        synchronized (state) {
            return state.schedule(now, maxDelay);
        }
    }

    /**
     * Counts one packet of {@code session} that cannot wait (a namespace CONNECT, or an event
     * refused for another reason): it passes only within the burst, never with a delay.
     */
    public Decision admitNow(UUID session) {
        if (!config.enabled()) {
            return Decision.PASS;
        }
        long now = clock.getAsLong();
        SessionState state = sessions.computeIfAbsent(session, s -> new SessionState(now));
        synchronized (state) {
            return state.schedule(now, 0);
        }
    }

    /** Forgets a session that ended. */
    /** How many sessions the limiter holds state for. */
    public int trackedSessions() {
        return sessions.size();
    }

    public void forget(UUID session) {
        sessions.remove(session);
    }

    /** Sessions with state, for tests and leak checks. */
    public int tracked() {
        return sessions.size();
    }

    private final class SessionState {
        /** When the next event would conform with no burst left: advances by one interval per event. */
        private long arrival;
        private long floodingSince;
        private long lastRefusal = Long.MIN_VALUE;
        private long lastTold = Long.MIN_VALUE;

        SessionState(long now) {
            arrival = now;
        }

        Decision schedule(long now, long longestWait) {
            long next = Math.max(arrival, now);
            long wait = next - tolerance - now;
            if (wait <= 0) {
                arrival = next + interval;
                return Decision.PASS;
            }
            if (wait <= longestWait) {
                arrival = next + interval;
                return new Decision(Verdict.DELAY, wait);
            }
            return refuse(now);
        }

        private Decision refuse(long now) {
            if (lastRefusal == Long.MIN_VALUE || now - lastRefusal > FLOOD_GAP_NANOS) {
                floodingSince = now;
            }
            lastRefusal = now;
            if (disconnectAfter > 0 && now - floodingSince >= disconnectAfter) {
                return Decision.DISCONNECT;
            }
            if (lastTold == Long.MIN_VALUE || now - lastTold >= TELL_INTERVAL_NANOS) {
                lastTold = now;
                return Decision.REFUSE_AND_TELL;
            }
            return Decision.REFUSE;
        }
    }
}
