package io.rtcio.cluster.memory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The routing table of one hub: which bus runs under which node id, which buses subscribed to
 * which room, the per-node counters and the publish-failure switch. Thread-safe.
 *
 * <p>Subscriptions hold bus instances, not node ids, so a node restarted under the same id does
 * not inherit the subscriptions of its closed predecessor.
 */
final class BusDirectory {

    private final ConcurrentMap<String, InMemoryClusterBus> running = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<InMemoryClusterBus>> subscribers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, NodeCounters> counters = new ConcurrentHashMap<>();
    private volatile boolean failPublishes;

    /** Starts the bus of {@code nodeId}; throws when one is already running under that id. */
    InMemoryClusterBus open(String nodeId) {
        return running.compute(nodeId, (id, current) -> {
            if (current != null) {
                throw new IllegalStateException("node " + id + " is already running in this hub");
            }
            return new InMemoryClusterBus(id, this, counters(id));
        });
    }

    /** Forgets {@code bus}; called by the bus when it closes. */
    void closed(InMemoryClusterBus bus) {
        running.remove(bus.localNode(), bus);
    }

    /** The running bus of {@code nodeId}, or null. */
    InMemoryClusterBus find(String nodeId) {
        return running.get(nodeId);
    }

    void subscribe(String roomId, InMemoryClusterBus bus) {
        subscribers.compute(roomId, (room, buses) -> {
            Set<InMemoryClusterBus> set = buses != null ? buses : ConcurrentHashMap.newKeySet();
            set.add(bus);
            return set;
        });
    }

    void unsubscribe(String roomId, InMemoryClusterBus bus) {
        subscribers.computeIfPresent(roomId, (room, buses) -> {
            buses.remove(bus);
            return buses.isEmpty() ? null : buses;
        });
    }

    /** The buses subscribed to {@code roomId}: a live, weakly consistent view. */
    Set<InMemoryClusterBus> subscribers(String roomId) {
        return subscribers.getOrDefault(roomId, Set.of());
    }

    NodeCounters counters(String nodeId) {
        return counters.computeIfAbsent(nodeId, id -> new NodeCounters());
    }

    void failPublishes(boolean fail) {
        failPublishes = fail;
    }

    boolean publishesFail() {
        return failPublishes;
    }
}
