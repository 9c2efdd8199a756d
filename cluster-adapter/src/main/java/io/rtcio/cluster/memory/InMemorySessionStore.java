package io.rtcio.cluster.memory;

import io.rtcio.cluster.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The sessions of an {@link InMemoryHub}; expiry by the hub's clock. Thread-safe. */
final class InMemorySessionStore implements SessionStore {

    private static final class Stored {
        final Session session;
        String node;
        long seq;
        long floor;
        long generation;
        long expiresAt = Long.MAX_VALUE;
        long logExpiresAt = Long.MAX_VALUE;
        final Deque<LoggedEvent> log = new ArrayDeque<>();

        Stored(Session session) {
            this.session = session;
            this.node = session.nodeId();
        }
    }

    private final Clock clock;
    private final Map<String, Stored> sessions = new HashMap<>(); // guarded by this

    InMemorySessionStore(Clock clock) {
        this.clock = clock;
    }

    /** The live session of {@code socketId}, dropping it (or its log) when expired. */
    private Stored find(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        Stored stored = sessions.get(socketId);
        long now = clock.millis();
        if (stored != null && stored.expiresAt <= now) {
            sessions.remove(socketId);
            return null;
        }
        if (stored != null && stored.logExpiresAt <= now) {
            stored.log.clear();
            stored.logExpiresAt = Long.MAX_VALUE;
        }
        return stored;
    }

    @Override
    public synchronized CompletionStage<Void> open(Session session) {
        sessions.put(session.socketId(), new Stored(session));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Boolean> restore(Session session, long generation, long lastOffset) {
        if (find(session.socketId()) != null) {
            return CompletableFuture.completedFuture(false);
        }
        Stored stored = new Stored(session);
        stored.generation = Math.max(0, generation);
        stored.seq = Math.max(0, lastOffset);
        sessions.put(session.socketId(), stored);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<String> hold(String socketId, String nodeId, Duration window) {
        Stored stored = find(socketId);
        if (stored == null || !stored.node.equals(nodeId)) {
            return CompletableFuture.completedFuture(stored == null ? null : stored.node);
        }
        stored.expiresAt = clock.millis() + window.toMillis();
        if (!stored.log.isEmpty()) {
            stored.logExpiresAt = stored.expiresAt;
        }
        return CompletableFuture.completedFuture(nodeId);
    }

    @Override
    public synchronized CompletionStage<Appended> append(String socketId, String expectedNode, long generation,
                                                         String event, String payloadJson, Duration window) {
        Stored stored = find(socketId);
        if (stored == null) {
            return CompletableFuture.completedFuture(new Appended(0, null));
        }
        if (!stored.node.equals(expectedNode) || (generation >= 0 && generation != stored.generation)) {
            return CompletableFuture.completedFuture(new Appended(0, stored.node));
        }
        long offset = ++stored.seq;
        stored.log.addLast(new LoggedEvent(offset, event, payloadJson));
        if (stored.log.size() > MAX_LOGGED_EVENTS) {
            stored.floor = stored.log.removeFirst().offset();
        }
        stored.logExpiresAt = clock.millis() + window.toMillis();
        return CompletableFuture.completedFuture(new Appended(offset, null));
    }

    @Override
    public synchronized CompletionStage<Claim> claim(String socketId, String secret, String userId, String namespace,
                                                     String nodeId, long offset) {
        Stored stored = find(socketId);
        Session session = stored == null ? null : stored.session;
        String reason = session == null ? "unknown"
                : !session.secret().equals(secret) ? "secret"
                : !Objects.equals(blank(session.userId()), blank(userId)) ? "user"
                : !session.namespace().equals(namespace) ? "namespace"
                : stored.floor > offset ? "offset" : null;
        if (reason != null) {
            return CompletableFuture.completedFuture(new Claim.Refused(reason));
        }
        String previous = stored.node;
        stored.node = nodeId;
        stored.generation++;
        stored.expiresAt = Long.MAX_VALUE;
        stored.log.removeIf(event -> event.offset() <= offset);
        List<LoggedEvent> missed = new ArrayList<>(stored.log);
        return CompletableFuture.completedFuture(new Claim.Recovered(previous, stored.generation, missed));
    }

    private static String blank(String value) {
        return value == null ? "" : value;
    }

    @Override
    public synchronized CompletionStage<Boolean> release(String socketId, String nodeId) {
        Stored stored = find(socketId);
        if (stored == null || !stored.node.equals(nodeId)) {
            return CompletableFuture.completedFuture(false);
        }
        sessions.remove(socketId);
        return CompletableFuture.completedFuture(true);
    }
}
