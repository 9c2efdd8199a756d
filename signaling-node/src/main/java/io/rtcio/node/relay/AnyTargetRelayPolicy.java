package io.rtcio.node.relay;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code RELAY_POLICY=any}: any socket whose id the sender knows. A local target is found here; a
 * remote one costs a look-up of its node in the socket directory before the publish. A directory
 * that cannot be read drops the relay (cross-node delivery would fail then too).
 */
final class AnyTargetRelayPolicy implements RelayPolicy {

    private final String localNode;
    private final SocketRegistry sockets;
    private final PresenceStore presence;

    AnyTargetRelayPolicy(String localNode, SocketRegistry sockets, PresenceStore presence) {
        this.localNode = localNode;
        this.sockets = sockets;
        this.presence = presence;
    }

    @Override
    public CompletionStage<Optional<String>> route(LocalSocket sender, String targetId) {
        if (sockets.byId(targetId) != null) {
            return CompletableFuture.completedFuture(Optional.of(localNode));
        }
        // A directory that cannot be read fails the route: the relay is dropped as cluster_unavailable.
        return presence.locate(targetId);
    }

    @Override
    public boolean mayDeliver(LocalSocket target, String senderId) {
        return true;
    }
}
