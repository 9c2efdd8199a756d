package io.rtcio.node.transport;

import com.corundumstudio.socketio.handler.ClientHead;
import io.rtcio.node.ratelimit.RateLimiter;
import io.rtcio.node.session.LocalSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic check that nothing outlives its Engine.IO session: a socket whose session is over
 * at two runs in a row is evicted (its rooms are told it left), the state of sessions that ended
 * is dropped, and a session that has not connected to a namespace within the connect timeout is
 * closed (socket.io's {@code connectTimeout}). The edge already refuses packets of sessions that are over; this is
 * the backstop for whatever slips past it.
 */
final class SessionSweep implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionSweep.class);

    private final PacketGuard guard;
    private final List<EventRouter> routers;
    private final RateLimiter limiter;
    private final long connectTimeoutNanos;
    private final Duration period;
    /** Sockets the last run found without a live session (runs are one after another, on one thread). */
    private Set<LocalSocket> suspects = Set.of();

    SessionSweep(PacketGuard guard, Collection<EventRouter> routers, RateLimiter limiter, Duration connectTimeout) {
        this.guard = guard;
        this.routers = List.copyOf(routers);
        this.limiter = limiter;
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.period = connectTimeout.dividedBy(4).compareTo(Duration.ofSeconds(5)) < 0
                ? connectTimeout.dividedBy(4) : Duration.ofSeconds(5);
    }

    /** How often the sweep runs: every 5 s, or more often for a short connect timeout. */
    Duration period() {
        return period;
    }

    @Override
    public void run() {
        try {
            evictOrphans();
            closeIdleSessions(System.nanoTime());
            guard.departures().forgetUnless(guard::alive);
        } catch (RuntimeException e) {
            log.warn("session sweep failed: {}", e.toString());
        }
    }

    private void evictOrphans() {
        Set<LocalSocket> seen = new HashSet<>();
        for (EventRouter router : routers) {
            for (LocalSocket socket : router.localSockets()) {
                if (guard.alive(socket.engineSession())) {
                    continue;
                }
                if (!suspects.contains(socket)) {
                    // netty-socketio marks a session over before it tells the namespaces, whose
                    // departure follows at once: only a socket the next run still finds is an orphan.
                    seen.add(socket);
                    continue;
                }
                if (socket.kicked()) {
                    // Closed on purpose (slow reader, API kick): the sweep only got there before its departure.
                    log.debug("evicting kicked socket {}: its Engine.IO session is over", socket.id());
                } else {
                    log.warn("evicting socket {}: its Engine.IO session is over", socket.id());
                }
                router.evict(socket);
            }
        }
        suspects = seen;
    }

    private void closeIdleSessions(long now) {
        for (Map.Entry<UUID, Long> entry : guard.sessions().entrySet()) {
            UUID session = entry.getKey();
            ClientHead head = guard.head(session);
            if (head == null) {
                guard.forget(session);
                limiter.forget(session);
                TransportChannels.forget(session);
                continue;
            }
            if (now - entry.getValue() > connectTimeoutNanos && !admittedAnywhere(session)) {
                log.debug("closing a session that did not connect to a namespace in time");
                guard.forget(session);
                TransportChannels.forceClose(head);
            }
        }
    }

    private boolean admittedAnywhere(UUID session) {
        for (EventRouter router : routers) {
            if (router.socketOf(session) != null) {
                return true;
            }
        }
        return false;
    }
}
