package io.rtcio.node.session;

import io.rtcio.cluster.ClusterBus;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Counts this node's interest in each room (members, and joins in flight) and declares it to the
 * bus on the first acquire and the last release. Bus calls are issued under the lock, so the bus
 * sees subscribe and unsubscribe of one room in the order the counts changed.
 */
public final class RoomSubscriptions {

    private final ClusterBus bus;
    private final Map<String, Integer> counts = new HashMap<>();

    public RoomSubscriptions(ClusterBus bus) {
        this.bus = bus;
    }

    /** One more local interest in {@code roomId}; completes when the node is subscribed. */
    public synchronized CompletionStage<Void> acquire(String roomId) {
        int count = counts.merge(roomId, 1, Integer::sum);
        if (count > 1) {
            return CompletableFuture.completedFuture(null);
        }
        // A failed subscribe gives the interest back, so the next join tries again.
        return bus.subscribeRoom(roomId).whenComplete((ok, error) -> {
            if (error != null) {
                release(roomId);
            }
        });
    }

    /**
     * Subscribes again to every room this node has interest in: after the shared state was lost,
     * or a subscription failed while the bus was unreachable. Subscribing is idempotent.
     */
    public synchronized CompletionStage<Void> resubscribeAll() {
        return CompletableFuture.allOf(counts.keySet().stream()
                .map(room -> bus.subscribeRoom(room).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** One less local interest in {@code roomId}. */
    public synchronized CompletionStage<Void> release(String roomId) {
        Integer count = counts.get(roomId);
        if (count == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (count > 1) {
            counts.put(roomId, count - 1);
            return CompletableFuture.completedFuture(null);
        }
        counts.remove(roomId);
        return bus.unsubscribeRoom(roomId);
    }
}
