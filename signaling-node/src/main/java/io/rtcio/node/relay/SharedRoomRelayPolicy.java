package io.rtcio.node.relay;

import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays only between sockets that share a room, cluster-wide: a local target is checked against
 * this node's room index, a remote one against {@link RoomRegistry#roomsOf} (one shared-state read
 * per relay to another node). A sender in no room reaches nobody; when the shared state cannot be
 * read the relay is dropped (cross-node delivery would fail then too).
 */
final class SharedRoomRelayPolicy implements RelayPolicy {

    private static final Logger log = LoggerFactory.getLogger(SharedRoomRelayPolicy.class);

    private final SocketRegistry sockets;
    private final RoomRegistry rooms;

    SharedRoomRelayPolicy(SocketRegistry sockets, RoomRegistry rooms) {
        this.sockets = sockets;
        this.rooms = rooms;
    }

    @Override
    public CompletionStage<Boolean> mayRelay(LocalSocket sender, String targetId) {
        Set<String> senderRooms = sender.rooms();
        if (senderRooms.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        LocalSocket local = sockets.byId(targetId);
        if (local != null) {
            return CompletableFuture.completedFuture(shareAny(senderRooms, local.rooms()));
        }
        return rooms.roomsOf(targetId).handle((targetRooms, error) -> {
            if (error != null) {
                log.warn("cannot check the rooms of relay target {}; dropping the relay: {}", targetId, error.toString());
                return false;
            }
            return shareAny(senderRooms, targetRooms);
        });
    }

    private static boolean shareAny(Set<String> senderRooms, Set<String> targetRooms) {
        for (String room : senderRooms) {
            if (targetRooms.contains(room)) {
                return true;
            }
        }
        return false;
    }
}
