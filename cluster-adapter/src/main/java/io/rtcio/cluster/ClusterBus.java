package io.rtcio.cluster;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Node-to-node messaging.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@link #sendToNode} reaches exactly the named node (one message, one receiver).</li>
 *   <li>{@link #sendToRoom} reaches every <em>other</em> node that declared interest in the room
 *       with {@link #subscribeRoom}, and no node that did not.</li>
 *   <li>Order is preserved per channel: {@link #sendToNode} messages from one node to one node
 *       arrive in publishing order, and so do {@link #sendToRoom} messages from one node for one
 *       room. On one Redis server (or Sentinel) order also holds across the two kinds; on Redis
 *       Cluster the node and room channels live on different shards, so a room message may
 *       overtake an earlier node message. Callers that need an order between two messages send
 *       both to the node (the rtc.io relay and the membership announcements do).</li>
 *   <li>Delivery is at most once: a message published while the receiver's subscription is down
 *       (Redis restarting) is lost. The node therefore makes its membership announcements
 *       idempotent (each names the membership it is about) and repeats the ones that failed.</li>
 *   <li>A node never receives its own room messages (local delivery is the caller's job).</li>
 *   <li>A handler that throws is logged and counted; it never stops delivery of later messages.</li>
 *   <li>Publishing never blocks the caller; failures complete the stage exceptionally.</li>
 * </ul>
 */
public interface ClusterBus extends AutoCloseable {

    /** This node's id, as given in {@link ClusterConfig#nodeId()}. */
    String localNode();

    /** Publishes to the one node {@code nodeId}. */
    CompletionStage<Void> sendToNode(String nodeId, ClusterMessage message);

    /**
     * Publishes to the one node {@code nodeId}, like {@link #sendToNode}, and completes with whether
     * that node was listening: false means nobody received the message (the node is gone, or its
     * subscription is down), so the caller may keep what it sent elsewhere.
     */
    default CompletionStage<Boolean> sendToNodeIfListening(String nodeId, ClusterMessage message) {
        return sendToNode(nodeId, message).thenApply(ok -> true);
    }

    /** Publishes to every other node with local members of {@code roomId}. */
    CompletionStage<Void> sendToRoom(String roomId, ClusterMessage message);

    /** Declares that this node now has local members of {@code roomId}. Idempotent. */
    CompletionStage<Void> subscribeRoom(String roomId);

    /** Declares that this node has no local members of {@code roomId} any more. Idempotent. */
    CompletionStage<Void> unsubscribeRoom(String roomId);

    /**
     * Registers the handler of messages addressed to this node. Called on a bus thread, one
     * message at a time, in arrival order. Replaces any previous handler.
     */
    void onMessage(Consumer<ClusterMessage> handler);

    /**
     * Stops listening, for a node about to stop: from then on a message for this node reaches
     * nobody ({@link #sendToNodeIfListening} completes with false, so its sender keeps it
     * elsewhere), while those that reached it before are still handed to the handler. Completes
     * once they have been. Publishing still works; {@link #close} is still needed. Idempotent.
     */
    CompletionStage<Void> stopListening();

    @Override
    void close();
}
