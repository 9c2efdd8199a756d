package io.rtcio.cluster;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The last media state per (room, socket). Entries go when the socket leaves the room
 * ({@link RoomRegistry#leave} removes them) or when {@link #remove} is called.
 */
public interface MediaStateStore {

    /** Caches the state of {@code socketId} in {@code roomId}, replacing any previous one. */
    CompletionStage<Void> put(String roomId, String socketId, MediaState state);

    /** Drops the cached state of {@code socketId} in {@code roomId}. */
    CompletionStage<Void> remove(String roomId, String socketId);

    /** All cached states of a room: socket id → state. */
    CompletionStage<Map<String, MediaState>> snapshot(String roomId);
}
