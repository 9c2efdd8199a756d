package io.rtcio.node.session;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The public id of each Engine.IO session of this node. One id per session, shared by the
 * session's sockets in every namespace (as socket.io v2 and netty-socketio do); it lives while
 * at least one of them is admitted. Ids are unique on this node and, being 120 random bits,
 * across the cluster. Thread-safe.
 */
public final class SessionIds {

    private final Map<UUID, Holder> bySession = new HashMap<>();
    private final Set<String> inUse = new HashSet<>();

    private static final class Holder {
        private final String id;
        private int sockets;

        private Holder(String id) {
            this.id = id;
        }
    }

    /** The session's public id, created when it has none; counts one more socket holding it. */
    public synchronized String acquire(UUID session) {
        Holder holder = bySession.get(session);
        if (holder == null) {
            String id;
            do {
                id = PublicIds.next();
            } while (!inUse.add(id));
            holder = new Holder(id);
            bySession.put(session, holder);
        }
        holder.sockets++;
        return holder.id;
    }

    /**
     * Gives {@code session} the public id {@code id} (a recovered session takes its id back); counts
     * one more socket holding it. A session that has an id already keeps it.
     */
    public synchronized String acquire(UUID session, String id) {
        Holder holder = bySession.get(session);
        if (holder == null) {
            inUse.add(id);
            holder = new Holder(id);
            bySession.put(session, holder);
        }
        holder.sockets++;
        return holder.id;
    }

    /** One socket less holds the session's id; the id is dropped with the last one. */
    public synchronized void release(UUID session) {
        Holder holder = bySession.get(session);
        if (holder != null && --holder.sockets <= 0) {
            bySession.remove(session);
            inUse.remove(holder.id);
        }
    }

    /** The public id of an admitted session, or null when no socket of it is admitted. */
    public synchronized String publicId(UUID session) {
        Holder holder = bySession.get(session);
        return holder == null ? null : holder.id;
    }
}
