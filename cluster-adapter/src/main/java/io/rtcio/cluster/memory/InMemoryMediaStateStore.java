package io.rtcio.cluster.memory;

import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The media-state cache of one {@link InMemoryHub}. Every call completes before it returns.
 *
 * <p>{@link #put} does not check membership: the node does that before calling it, so a state put
 * for a socket that is not (or no longer) in the room is stored anyway. Such a stray entry is
 * harmless: join snapshots only carry the states of members, and the entry goes when the room
 * empties. Snapshots are immutable copies. Thread-safe (one monitor).
 */
final class InMemoryMediaStateStore implements MediaStateStore {

    private final Map<String, Map<String, MediaState>> statesByRoom = new HashMap<>(); // guarded by this

    @Override
    public synchronized CompletionStage<Void> put(String roomId, String socketId, MediaState state) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(state, "state");
        statesByRoom.computeIfAbsent(roomId, room -> new HashMap<>()).put(socketId, state);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> remove(String roomId, String socketId) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(socketId, "socketId");
        Map<String, MediaState> states = statesByRoom.get(roomId);
        if (states != null) {
            states.remove(socketId);
            if (states.isEmpty()) {
                statesByRoom.remove(roomId);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Map<String, MediaState>> snapshot(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        return CompletableFuture.completedFuture(Map.copyOf(statesByRoom.getOrDefault(roomId, Map.of())));
    }

    /** The states of {@code sockets} in {@code roomId} (sockets without a state are left out). */
    synchronized Map<String, MediaState> statesOf(String roomId, Collection<String> sockets) {
        Map<String, MediaState> states = statesByRoom.getOrDefault(roomId, Map.of());
        Map<String, MediaState> result = new HashMap<>();
        for (String socket : sockets) {
            MediaState state = states.get(socket);
            if (state != null) {
                result.put(socket, state);
            }
        }
        return result;
    }

    /** Drops every state of {@code roomId}. */
    synchronized void dropRoom(String roomId) {
        statesByRoom.remove(roomId);
    }
}
