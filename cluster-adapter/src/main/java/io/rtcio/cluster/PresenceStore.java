package io.rtcio.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The socket directory (socket id → owning node) and node liveness.
 *
 * <p>Each node heartbeats with a lease. A node whose lease lapsed is dead: exactly one survivor
 * wins {@link #claimReap} for it and cleans up after it (its sockets leave their rooms).
 */
public interface PresenceStore {

    /** Records that {@code socketId} lives on {@code nodeId}. */
    CompletionStage<Void> register(String socketId, String nodeId);

    /** Forgets {@code socketId}. */
    CompletionStage<Void> unregister(String socketId);

    /** The node that owns {@code socketId}, if it is connected anywhere. */
    CompletionStage<Optional<String>> locate(String socketId);

    /**
     * Renews the lease of {@code nodeId} for {@code lease}. Completes with true when the node held
     * a live lease before the call, false when the lease is new: the first heartbeat, after a lapse,
     * or after the shared state was lost (e.g. an empty Redis after a restart). A node that sees
     * false after its first heartbeat must re-publish what it owns.
     */
    CompletionStage<Boolean> heartbeat(String nodeId, Duration lease);

    /** Nodes that heartbeated at some point and whose lease has lapsed, not yet reaped. */
    CompletionStage<Set<String>> deadNodes();

    /**
     * Nodes that hold a live lease now. Unlike {@link #deadNodes}, this survives the loss of the
     * shared state: a node that died while the state was lost is not listed dead (the state never
     * knew it died) but is missing here once the live nodes have heartbeated again.
     */
    CompletionStage<Set<String>> liveNodes();

    /**
     * Atomically claims the clean-up of {@code deadNode}; true for exactly one caller. A claim
     * lapses after a lease length, so a dead node is reaped even if its first reaper died too.
     */
    CompletionStage<Boolean> claimReap(String deadNode);

    /** The sockets registered to {@code nodeId}. */
    CompletionStage<Set<String>> socketsOf(String nodeId);

    /** Forgets {@code nodeId} and every socket registered to it (after its rooms were cleaned). */
    CompletionStage<Void> forgetNode(String nodeId);

    /**
     * Ends the lease of {@code nodeId} now but keeps its sockets registered: the node is dead at
     * once, and a survivor reaps what it left behind as it would after a crash. A stopping node
     * whose sockets are held for a recovery hands them over this way.
     */
    CompletionStage<Void> endLease(String nodeId);
}
