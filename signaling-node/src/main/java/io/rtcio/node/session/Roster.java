package io.rtcio.node.session;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peers one local socket has been told about in one room: what its client believes the room
 * holds. Every introduction and every departure delivered to the client passes through here, so
 * delivery is idempotent whatever the cluster does (a message repeated after an outage, an
 * introduction that a restore and a join both make, a departure that a reaper and the owner both
 * announce):
 * <ul>
 *   <li>{@link #introduce} admits a peer membership once; never one that already departed.</li>
 *   <li>{@link #depart} removes a known membership once; a departure that overtakes its
 *       introduction is remembered, so the late introduction is dropped.</li>
 * </ul>
 * Memberships are told apart by their epoch: a peer that left and joined again is a new one.
 * Thread-safe; in practice changed by the socket's own tasks and read by cluster maintenance.
 */
public final class Roster {

    /** Departed memberships remembered per roster; the oldest is forgotten beyond this. */
    static final int MAX_DEPARTED = 1024;

    /** A peer membership as the client was told of it. */
    public record Peer(String socketId, String nodeId, long epoch, String name) {
    }

    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private final Set<String> departed = new LinkedHashSet<>();

    /** Records {@code peer}; true when the client must be told (it was neither known nor gone). */
    public synchronized boolean introduce(Peer peer) {
        if (peers.containsKey(peer.socketId()) || departed.contains(key(peer.socketId(), peer.epoch()))) {
            return false;
        }
        peers.put(peer.socketId(), peer);
        return true;
    }

    /**
     * Records that membership {@code epoch} of {@code socketId} ended; returns the peer when the
     * client knew it and must be told, else null (never introduced, or told already).
     */
    public synchronized Peer depart(String socketId, long epoch) {
        String key = key(socketId, epoch);
        if (!departed.add(key)) {
            return null;
        }
        if (departed.size() > MAX_DEPARTED) {
            Iterator<String> oldest = departed.iterator();
            oldest.next();
            oldest.remove();
        }
        Peer known = peers.get(socketId);
        if (known == null || known.epoch() != epoch) {
            return null;
        }
        peers.remove(socketId);
        return known;
    }

    /** The known membership {@code peer} (same epoch) now lives on {@code peer.nodeId()}; nothing for the client. */
    public synchronized void moved(Peer peer) {
        Peer known = peers.get(peer.socketId());
        if (known != null && known.epoch() == peer.epoch()) {
            peers.put(peer.socketId(), new Peer(known.socketId(), peer.nodeId(), known.epoch(), known.name()));
        }
    }

    /** The peer {@code socketId} if the client currently knows it, else null. */
    public synchronized Peer find(String socketId) {
        return peers.get(socketId);
    }

    /** The peers the client currently knows, in the order it learnt of them. */
    public synchronized List<Peer> peers() {
        return new ArrayList<>(peers.values());
    }

    private static String key(String socketId, long epoch) {
        return socketId + '#' + epoch;
    }
}
