package io.rtcio.node.relay;

import io.rtcio.cluster.RoomRegistry;
import io.rtcio.node.config.RelayScope;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether {@code #rtcio:message} from a socket may reach a target. A refused relay is dropped
 * silently and counted as dropped, exactly like one to an unknown target, so a sender cannot
 * probe who exists.
 */
@FunctionalInterface
public interface RelayPolicy {

    /** Any target whose id the sender knows. */
    RelayPolicy ANY = (sender, targetId) -> CompletableFuture.completedFuture(true);

    CompletionStage<Boolean> mayRelay(LocalSocket sender, String targetId);

    /** The policy for {@code RELAY_POLICY}. */
    static RelayPolicy forScope(RelayScope scope, SocketRegistry sockets, RoomRegistry rooms) {
        return scope == RelayScope.ANY ? ANY : new SharedRoomRelayPolicy(sockets, rooms);
    }
}
