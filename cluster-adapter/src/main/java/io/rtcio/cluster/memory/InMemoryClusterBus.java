package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.internal.HandlerSlot;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of one node of an {@link InMemoryHub}.
 *
 * <p>Each node has an inbox: one single-threaded executor. Publishing puts the message into the
 * receivers' inboxes on the caller's thread and completes at once, so messages of one publisher
 * reach one receiver in publish order, and a publisher never runs a receiver's handler itself.
 *
 * <p>Failure behaviour: a message for a node that is not running (unknown or closed) is dropped
 * and the publish still completes normally, as a Redis PUBLISH with no subscriber would. Messages
 * that arrive before a handler is registered are dropped. A throwing handler is logged and counted,
 * and the next message is delivered as usual. Publishing on a closed bus, or while
 * {@link InMemoryHub#failPublishes} is on, completes exceptionally with an
 * {@link IllegalStateException}.
 */
final class InMemoryClusterBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(InMemoryClusterBus.class);

    private final String nodeId;
    private final BusDirectory directory;
    private final NodeCounters counters;
    private final ExecutorService inbox;
    private final Set<String> rooms = new HashSet<>(); // guarded by this
    private final HandlerSlot handler;
    private volatile boolean closed;

    InMemoryClusterBus(String nodeId, BusDirectory directory, NodeCounters counters) {
        this.nodeId = nodeId;
        this.directory = directory;
        this.counters = counters;
        this.handler = new HandlerSlot(nodeId, counters::messageReceived, counters::handlerFailed);
        this.inbox = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "rtcio-bus-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String localNode() {
        return nodeId;
    }

    @Override
    public CompletionStage<Boolean> sendToNodeIfListening(String targetNode, ClusterMessage message) {
        Objects.requireNonNull(targetNode, "targetNode");
        boolean listening = directory.find(targetNode) != null;
        return sendToNode(targetNode, message).thenApply(ok -> listening);
    }

    @Override
    public CompletionStage<Void> sendToNode(String targetNode, ClusterMessage message) {
        Objects.requireNonNull(targetNode, "targetNode");
        Objects.requireNonNull(message, "message");
        CompletableFuture<Void> refused = refusal();
        if (refused != null) {
            return refused;
        }
        InMemoryClusterBus target = directory.find(targetNode);
        if (target != null) {
            target.enqueue(message);
        } else {
            log.debug("node {} is not running; message from {} dropped", targetNode, nodeId);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> sendToRoom(String roomId, ClusterMessage message) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(message, "message");
        CompletableFuture<Void> refused = refusal();
        if (refused != null) {
            return refused;
        }
        for (InMemoryClusterBus receiver : directory.subscribers(roomId)) {
            if (receiver != this) {
                receiver.enqueue(message);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> subscribeRoom(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus of node " + nodeId + " is closed"));
        }
        if (rooms.add(roomId)) {
            directory.subscribe(roomId, this);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> unsubscribeRoom(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        if (rooms.remove(roomId)) {
            directory.unsubscribe(roomId, this);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onMessage(Consumer<ClusterMessage> handler) {
        this.handler.set(handler);
    }

    /** Stops the inbox (pending messages are dropped), unsubscribes every room, frees the node id. */
    @Override
    public CompletionStage<Void> stopListening() {
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return refusal();
            }
            directory.closed(this);
        }
        try {
            inbox.execute(() -> handedOver.complete(null));
        } catch (RejectedExecutionException closing) {
            handedOver.complete(null);
        }
        return handedOver;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rooms.forEach(room -> directory.unsubscribe(room, this));
        rooms.clear();
        directory.closed(this);
        inbox.shutdownNow();
    }

    private CompletableFuture<Void> refusal() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus of node " + nodeId + " is closed"));
        }
        if (directory.publishesFail()) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("publish failed: failure injected by InMemoryHub.failPublishes"));
        }
        return null;
    }

    private void enqueue(ClusterMessage message) {
        try {
            inbox.execute(() -> dispatch(message));
        } catch (RejectedExecutionException closing) {
            log.debug("node {} is closing; message from {} dropped", nodeId, message.originNode());
        }
    }

    private void dispatch(ClusterMessage message) {
        if (closed) {
            return;
        }
        handler.deliver(message);
    }
}
