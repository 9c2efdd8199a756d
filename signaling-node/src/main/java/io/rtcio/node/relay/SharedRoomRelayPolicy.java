package io.rtcio.node.relay;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.Roster;
import io.rtcio.node.session.SocketRegistry;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Relays only between sockets that share a room, cluster-wide, decided from what the nodes hold
 * and keep exact through membership announcements:
 * <ul>
 *   <li>the sender's node routes to a target its socket was told of in one of its rooms, on the
 *       node that announcement named, with no shared-state read. Every id an rtc.io client
 *       addresses reached it that way first. Only a target the client learnt of otherwise (before
 *       its introduction arrived) costs the old check: the target's rooms and its node, read from
 *       the shared state;</li>
 *   <li>the target's node delivers only if the target was told of the sender too, or is about to
 *       be (an introduction waiting behind the target's earlier events). Introductions travel
 *       ahead of the relays they make possible on the same node-to-node channel, so this never
 *       refuses a relay the sender's side rightly allowed.</li>
 * </ul>
 * A sender that left the room has no roster for it any more; a target that left has none either,
 * and one whose socket is gone is not on its node: neither a stale view nor a departed socket
 * lets a relay through.
 */
final class SharedRoomRelayPolicy implements RelayPolicy {

    /** Refused: sender and target share no room (told apart from an unknown target in the metrics). */
    private static final CompletableFuture<Optional<String>> NOWHERE =
            CompletableFuture.failedFuture(RelayRefusedException.NOT_SHARED_ROOM);
    /** A target in no room at all: unknown (or gone). */
    private static final CompletableFuture<Optional<String>> UNKNOWN = CompletableFuture.completedFuture(Optional.empty());

    private final String localNode;
    private final SocketRegistry sockets;
    private final RoomRegistry rooms;
    private final PresenceStore presence;

    SharedRoomRelayPolicy(String localNode, SocketRegistry sockets, RoomRegistry rooms, PresenceStore presence) {
        this.localNode = localNode;
        this.sockets = sockets;
        this.rooms = rooms;
        this.presence = presence;
    }

    @Override
    public CompletionStage<Optional<String>> route(LocalSocket sender, String targetId) {
        Roster.Peer peer = sender.knownPeer(targetId);
        if (peer != null) {
            return CompletableFuture.completedFuture(Optional.of(peer.nodeId()));
        }
        Set<String> senderRooms = sender.rooms();
        if (senderRooms.isEmpty()) {
            return NOWHERE;
        }
        LocalSocket local = sockets.byId(targetId);
        if (local != null) {
            return shareAny(senderRooms, local.rooms()) ? CompletableFuture.completedFuture(Optional.of(localNode)) : NOWHERE;
        }
        // A shared state that cannot be read fails the route: the relay is dropped as cluster_unavailable.
        return rooms.roomsOf(targetId)
                .thenCompose(targetRooms -> targetRooms.isEmpty() ? UNKNOWN
                        : shareAny(senderRooms, targetRooms) ? presence.locate(targetId) : NOWHERE);
    }

    @Override
    public boolean mayDeliver(LocalSocket target, String senderId) {
        return target.knows(senderId);
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
