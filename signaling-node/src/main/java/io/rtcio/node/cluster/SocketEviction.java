package io.rtcio.node.cluster;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.node.room.RoomService;
import java.util.concurrent.CompletionStage;

/**
 * Removes a socket that no node serves any more (its node died, or it vanished while the shared
 * state was unreachable) from its rooms, which are told as a live disconnect would tell them (see
 * {@link RoomService#evict}), then from the socket directory.
 */
final class SocketEviction {

    private final RoomService rooms;
    private final PresenceStore presence;

    SocketEviction(RoomService rooms, PresenceStore presence) {
        this.rooms = rooms;
        this.presence = presence;
    }

    CompletionStage<Void> evict(String socketId) {
        return rooms.evict(socketId).thenCompose(ok -> presence.unregister(socketId));
    }
}
