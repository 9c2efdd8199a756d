package io.rtcio.node.cluster;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.relay.Relay;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Removes a socket that no node serves any more (its node died, or it vanished while the shared
 * state was unreachable) from every room it is still listed in, telling each room
 * {@code #rtcio:peer-left} and {@code user-disconnected} exactly as a live disconnect would.
 */
final class SocketEviction {

    private final RoomRegistry rooms;
    private final PresenceStore presence;
    private final Relay relay;

    SocketEviction(RoomRegistry rooms, PresenceStore presence, Relay relay) {
        this.rooms = rooms;
        this.presence = presence;
        this.relay = relay;
    }

    CompletionStage<Void> evict(String socketId) {
        Map<String, Object> id = Map.of("id", socketId);
        return rooms.roomsOf(socketId).thenCompose(roomIds -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (String roomId : roomIds) {
                chain = chain
                        .thenCompose(ok -> relay.toRoom(roomId, socketId, Events.RTCIO_PEER_LEFT, id))
                        .thenCompose(ok -> relay.toRoom(roomId, socketId, Events.USER_DISCONNECTED, id))
                        .thenCompose(ok -> rooms.leave(roomId, socketId))
                        .thenApply(result -> null);
            }
            return chain;
        }).thenCompose(ok -> presence.unregister(socketId));
    }
}
