package io.rtcio.cluster.contract;

import static org.assertj.core.api.Assertions.fail;

import io.rtcio.cluster.ClusterMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A bus handler that queues what it receives, and the thread it ran on, for a test to take. */
public final class MessageInbox implements Consumer<ClusterMessage> {

    /** A received message and the thread its handler ran on. */
    public record Delivery(ClusterMessage message, Thread thread) {
    }

    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private final Duration timeout;

    public MessageInbox(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void accept(ClusterMessage message) {
        deliveries.add(new Delivery(message, Thread.currentThread()));
    }

    /** The next delivery; fails when none arrives in time. */
    public Delivery nextDelivery() throws InterruptedException {
        Delivery delivery = deliveries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (delivery == null) {
            fail("no message arrived within " + timeout);
        }
        return delivery;
    }

    /** The next message; fails when none arrives in time. */
    public ClusterMessage next() throws InterruptedException {
        return nextDelivery().message();
    }

    /** The next {@code count} messages, in arrival order. */
    public List<ClusterMessage> next(int count) throws InterruptedException {
        List<ClusterMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(next());
        }
        return messages;
    }

    /**
     * Every message that arrived before the next one with event {@code fenceEvent}, which is
     * consumed. Publish the fence after the messages under test, from the same publisher: since
     * order holds per (publisher, receiver), anything the publisher sent earlier arrived before it.
     */
    public List<ClusterMessage> takeUntilFence(String fenceEvent) throws InterruptedException {
        List<ClusterMessage> before = new ArrayList<>();
        for (ClusterMessage message = next(); !fenceEvent.equals(eventOf(message)); message = next()) {
            before.add(message);
        }
        return before;
    }

    /** Whatever arrived and was not taken yet, without waiting. */
    public List<ClusterMessage> receivedSoFar() {
        List<Delivery> drained = new ArrayList<>();
        deliveries.drainTo(drained);
        return drained.stream().map(Delivery::message).toList();
    }

    /** The event name of either kind of message. */
    public static String eventOf(ClusterMessage message) {
        if (message instanceof ClusterMessage.ToSocket toSocket) {
            return toSocket.event();
        }
        return ((ClusterMessage.ToRoom) message).event();
    }

    /** The payload of either kind of message. */
    public static String payloadOf(ClusterMessage message) {
        if (message instanceof ClusterMessage.ToSocket toSocket) {
            return toSocket.payloadJson();
        }
        return ((ClusterMessage.ToRoom) message).payloadJson();
    }
}
