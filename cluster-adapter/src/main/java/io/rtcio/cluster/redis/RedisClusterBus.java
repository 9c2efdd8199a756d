package io.rtcio.cluster.redis;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.internal.HandlerSlot;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterBus} of one node over Redis pub/sub: channel {@link RedisKeys#nodeChannel} for
 * the node (subscribed from start to close), and {@link RedisKeys#roomChannel} per room the node
 * declared interest in. {@code sendToNode} is one publish that only the owning node receives;
 * {@code sendToRoom} is one publish that Redis hands to the subscribed nodes only.
 *
 * <p>Ordering: publishes leave on one connection in call order; the node's subscription delivers
 * them in that order; arrivals are queued to one bus thread, which runs the handler one message at
 * a time. So order holds per (publisher, receiver) on one server and on Sentinel. On Redis Cluster
 * it holds per channel (targeted messages among themselves, a room's messages among themselves),
 * not between a node channel and a room channel, which may live on different shards.
 *
 * <p>Failure behaviour: publishing never blocks; while Redis is away a publish fails with a
 * {@link RedisBackendException}, at once on one server or Sentinel, within
 * {@link ClientSettings#COMMAND_TIMEOUT} on Redis Cluster. Messages published while this node was
 * disconnected are lost; after a reconnect Lettuce subscribes again. A message that does not
 * decode, or whose handler throws, is logged at debug and counted in {@link #counters()}, never
 * thrown into Lettuce's thread. The node's own room messages, which Redis echoes back, are dropped.
 * A room message may still arrive shortly after {@code unsubscribeRoom}. Publishing on a closed bus
 * fails with an {@link IllegalStateException}.
 *
 * <p>Thread-safe. Room (un)subscriptions take effect in the order they are issued, so the calls for
 * one room should come from one thread at a time.
 */
public final class RedisClusterBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterBus.class);

    private final String nodeId;
    private final RedisConnections redis;
    private final RedisKeys keys;
    private final BusCounters counters = new BusCounters();
    private final ExecutorService inbox;
    private final HandlerSlot handler;
    private volatile boolean closed;

    private RedisClusterBus(String nodeId, RedisConnections redis, RedisKeys keys) {
        this.nodeId = nodeId;
        this.handler = new HandlerSlot(nodeId, counters::messageReceived, counters::handlerFailed);
        this.redis = redis;
        this.keys = keys;
        this.inbox = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "rtcio-bus-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A bus listening on {@code nodeId}'s channel; completes once Redis confirmed the subscription. */
    static CompletionStage<RedisClusterBus> start(String nodeId, RedisConnections redis, RedisKeys keys) {
        RedisClusterBus bus = new RedisClusterBus(nodeId, redis, keys);
        redis.onMessage(bus::arrived);
        return RedisBackendException.withIntent(redis.subscribe(keys.nodeChannel(nodeId)),
                        "subscription of node " + nodeId + " to its channel")
                .whenComplete((subscribed, error) -> {
                    if (error != null) {
                        bus.close();
                    }
                })
                .thenApply(subscribed -> bus);
    }

    @Override
    public String localNode() {
        return nodeId;
    }

    /** What this bus published and received so far. */
    public BusCounters counters() {
        return counters;
    }

    @Override
    public CompletionStage<Void> sendToNode(String targetNode, ClusterMessage message) {
        Objects.requireNonNull(targetNode, "targetNode");
        Objects.requireNonNull(message, "message");
        return publish(keys.nodeChannel(targetNode), message, "node", targetNode).thenApply(receivers -> null);
    }

    @Override
    public CompletionStage<Boolean> sendToNodeIfListening(String targetNode, ClusterMessage message) {
        Objects.requireNonNull(targetNode, "targetNode");
        Objects.requireNonNull(message, "message");
        return publish(keys.nodeChannel(targetNode), message, "node", targetNode).thenApply(receivers -> receivers > 0);
    }

    @Override
    public CompletionStage<Void> sendToRoom(String roomId, ClusterMessage message) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(message, "message");
        return publish(keys.roomChannel(roomId), message, "room", roomId).thenApply(receivers -> null);
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        if (closed) {
            return closedFailure();
        }
        return RedisBackendException.withIntent(redis.subscribe(keys.roomChannel(roomId)),
                "subscription of node " + nodeId + " to room " + roomId);
    }

    @Override
    public CompletionStage<Void> unsubscribeRoom(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        return RedisBackendException.withIntent(redis.unsubscribe(keys.roomChannel(roomId)),
                "unsubscription of node " + nodeId + " from room " + roomId);
    }

    @Override
    public void onMessage(Consumer<ClusterMessage> handler) {
        this.handler.set(handler);
    }

    @Override
    public CompletionStage<Void> stopListening() {
        if (closed) {
            return closedFailure();
        }
        // The node channel's messages come in order on the subscription connection, before the
        // answer to UNSUBSCRIBE; the bus thread runs them in that order, then the completion.
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        RedisBackendException.withIntent(redis.unsubscribe(keys.nodeChannel(nodeId)),
                        "unsubscription of node " + nodeId + " from its channel")
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        handedOver.completeExceptionally(error);
                        return;
                    }
                    try {
                        inbox.execute(() -> handedOver.complete(null));
                    } catch (RejectedExecutionException closing) {
                        handedOver.complete(null);
                    }
                });
        return handedOver;
    }

    /** Stops delivering (queued messages are dropped). The connections belong to the backend. */
    @Override
    public void close() {
        closed = true;
        inbox.shutdownNow();
    }

    /** Completes with how many subscribers received the message. */
    private CompletionStage<Long> publish(String channel, ClusterMessage message, String kind, String target) {
        if (closed) {
            counters.publishFailed();
            return CompletableFuture.failedFuture(new IllegalStateException("bus of node " + nodeId + " is closed"));
        }
        return redis.publish(channel, MessageCodec.encode(message)).handle((receivers, error) -> {
            if (error != null) {
                counters.publishFailed();
                Throwable cause = RedisBackendException.unwrap(error);
                throw new RedisBackendException("publish from node " + nodeId + " to " + kind + " " + target
                        + " failed: " + cause.getMessage(), cause);
            }
            counters.publishSucceeded();
            return receivers == null ? 0L : receivers;
        });
    }

    private CompletionStage<Void> closedFailure() {
        return CompletableFuture.failedFuture(new IllegalStateException("bus of node " + nodeId + " is closed"));
    }

    /** Runs on a Lettuce I/O thread: hands off to the bus thread, never throws. */
    private void arrived(String channel, String payload) {
        try {
            inbox.execute(() -> dispatch(channel, payload));
        } catch (RejectedExecutionException closing) {
            log.debug("bus of node {} is closed; message on {} dropped", nodeId, channel);
        }
    }

    private void dispatch(String channel, String payload) {
        if (closed) {
            return;
        }
        ClusterMessage message;
        try {
            message = MessageCodec.decode(payload);
        } catch (RuntimeException e) {
            counters.decodeFailed();
            log.debug("node {} dropped an undecodable message on {}: {}", nodeId, channel, e.getMessage());
            return;
        }
        if (message instanceof ClusterMessage.ToRoom && nodeId.equals(message.originNode())) {
            return;
        }
        handler.deliver(message);
    }
}
