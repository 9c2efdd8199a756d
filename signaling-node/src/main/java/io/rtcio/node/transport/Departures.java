package io.rtcio.node.transport;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Engine.IO sessions ended cleanly, as the client said so: its namespace DISCONNECT (for
 * that namespace), its Engine.IO CLOSE, or a WebSocket close frame (a browser tab that closes).
 * Everything else (ping timeout, a connection that just went away, a transport the server closed)
 * is an abrupt drop, which a recovery may undo. Thread-safe.
 */
final class Departures {

    private static final String ALL = "*";

    private final Map<UUID, Set<String>> clean = new ConcurrentHashMap<>();

    /** The client left {@code namespace} ({@code /} for the default one) on purpose. */
    void leftNamespace(UUID session, String namespace) {
        clean.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(namespace);
    }

    /** The client closed its whole connection on purpose. */
    void closed(UUID session) {
        leftNamespace(session, ALL);
    }

    boolean isClean(UUID session, String namespace) {
        Set<String> namespaces = clean.get(session);
        return namespaces != null && (namespaces.contains(namespace) || namespaces.contains(ALL));
    }

    /** Forgets the sessions that are over (after their disconnect listeners ran). */
    void forgetUnless(java.util.function.Predicate<UUID> alive) {
        clean.keySet().removeIf(session -> !alive.test(session));
    }

    int size() {
        return clean.size();
    }
}
