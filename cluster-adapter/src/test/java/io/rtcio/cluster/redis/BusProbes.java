package io.rtcio.cluster.redis;

import static org.awaitility.Awaitility.await;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.contract.MessageInbox;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for a bus to work again after Redis came back. A publish that succeeds proves little:
 * pub/sub delivers at most once, and the receiver's subscription may come back after the
 * publisher's connection. So these helpers send probes until one arrives.
 */
final class BusProbes {

    static final String PROBE = "probe";

    private BusProbes() {
    }

    /**
     * Sends probes from {@code from} to node {@code to} (ignoring failed publishes) until one
     * arrives in {@code inbox}, at most {@code timeout}.
     */
    static void awaitDelivery(ClusterBus from, String to, BlockingQueue<ClusterMessage> inbox, Duration timeout) {
        await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            from.sendToNode(to, new ClusterMessage.ToSocket(from.localNode(), PROBE, PROBE, PROBE, "{}"));
            return next(inbox, PROBE, Duration.ofMillis(250)) != null;
        });
    }

    /** The next message of {@code event} in {@code inbox}, skipping others; null after {@code timeout}. */
    static ClusterMessage next(BlockingQueue<ClusterMessage> inbox, String event, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            ClusterMessage message = inbox.poll(left, TimeUnit.NANOSECONDS);
            if (message != null && MessageInbox.eventOf(message).equals(event)) {
                return message;
            }
        }
        return null;
    }
}
