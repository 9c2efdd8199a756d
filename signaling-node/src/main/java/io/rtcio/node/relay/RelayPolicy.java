package io.rtcio.node.relay;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.config.RelayScope;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Whether {@code #rtcio:message} from a socket may reach a target, and where the target is. A
 * refused relay is dropped silently and counted as dropped, exactly like one to an unknown target,
 * so a sender cannot probe who exists. The policy is enforced twice: by the sender's node when it
 * routes ({@link #route}) and by the target's node when it delivers ({@link #mayDeliver}), so a
 * view that is stale on one side (a departure still on its way) cannot carry a relay across rooms.
 */
public interface RelayPolicy {

    /**
     * The node that owns {@code targetId}, if the relay may go there; empty to drop it (unknown
     * target). Fails with {@link RelayRefusedException} when sender and target share no room, and
     * with the shared state's error when it cannot be read. Completes on the caller's thread when
     * the answer needs no shared-state read.
     */
    CompletionStage<Optional<String>> route(LocalSocket sender, String targetId);

    /** Whether a relay from {@code senderId} may be handed to the local {@code target}. */
    boolean mayDeliver(LocalSocket target, String senderId);

    /** The policy for {@code RELAY_POLICY}. */
    static RelayPolicy forScope(RelayScope scope, String localNode, SocketRegistry sockets, RoomRegistry rooms,
                                PresenceStore presence) {
        return scope == RelayScope.ANY ? new AnyTargetRelayPolicy(localNode, sockets, presence)
                : new SharedRoomRelayPolicy(localNode, sockets, rooms, presence);
    }
}
