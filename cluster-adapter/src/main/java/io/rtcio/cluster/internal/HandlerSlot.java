package io.rtcio.cluster.internal;

import io.rtcio.cluster.ClusterMessage;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler a bus hands its node's messages to, shared by every backend. A message that
 * arrives before a handler is set is dropped; a handler that throws is logged and counted and
 * gets the next message as usual. Thread-safe; {@link #deliver} is called on the bus thread.
 */
public final class HandlerSlot {

    private static final Logger log = LoggerFactory.getLogger(HandlerSlot.class);

    private final String nodeId;
    private final Runnable onReceived;
    private final Runnable onHandlerFailed;
    private volatile Consumer<ClusterMessage> handler;

    /**
     * @param nodeId          the receiving node, for logs
     * @param onReceived      counts each message handed over (or dropped for want of a handler)
     * @param onHandlerFailed counts each message whose handler threw
     */
    public HandlerSlot(String nodeId, Runnable onReceived, Runnable onHandlerFailed) {
        this.nodeId = nodeId;
        this.onReceived = onReceived;
        this.onHandlerFailed = onHandlerFailed;
    }

    /** Replaces the handler. */
    public void set(Consumer<ClusterMessage> newHandler) {
        handler = Objects.requireNonNull(newHandler, "handler");
    }

    /** Hands {@code message} to the handler, never letting it throw into the bus. */
    public void deliver(ClusterMessage message) {
        onReceived.run();
        Consumer<ClusterMessage> current = handler;
        if (current == null) {
            log.debug("node {} has no handler yet; message from {} dropped", nodeId, message.originNode());
            return;
        }
        try {
            current.accept(message);
        } catch (RuntimeException e) {
            onHandlerFailed.run();
            log.warn("handler of node {} failed on a {} from node {}", nodeId,
                    message.getClass().getSimpleName(), message.originNode(), e);
        }
    }
}
