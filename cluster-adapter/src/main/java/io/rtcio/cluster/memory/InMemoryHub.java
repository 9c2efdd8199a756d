package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBackend;
import java.time.Clock;
import java.util.Objects;

/**
 * One in-process cluster. Every node started by a hub shares the hub's rooms, presence and media
 * states, and reaches the other nodes through an in-memory bus; two hubs are two independent
 * clusters. A single node on its own hub is the embedded single-node backend.
 *
 * <p>Besides starting nodes, the hub offers test hooks: {@link #failPublishes} makes every publish
 * fail, {@link #receivedCount} and {@link #handlerFailureCount} count what each node's bus delivered.
 *
 * <p>Thread-safe.
 */
public final class InMemoryHub {

    private final BusDirectory buses = new BusDirectory();
    private final InMemoryMediaStateStore mediaStates = new InMemoryMediaStateStore();
    private final InMemoryRoomRegistry rooms = new InMemoryRoomRegistry(mediaStates);
    private final InMemoryPresenceStore presence;
    private final InMemorySessionStore sessions;

    /** A hub whose leases run on the system clock. */
    public InMemoryHub() {
        this(Clock.systemUTC());
    }

    /** A hub whose leases run on {@code clock} (tests pass a clock they can advance). */
    public InMemoryHub(Clock clock) {
        this.presence = new InMemoryPresenceStore(Objects.requireNonNull(clock, "clock"));
        this.sessions = new InMemorySessionStore(clock);
    }

    /**
     * Starts node {@code nodeId} in this cluster. Closing the returned backend stops the node's bus
     * only: like a crashed node, its sockets stay registered until a survivor reaps them.
     *
     * @throws IllegalStateException when a node with that id is running (the id of a closed node
     *                               may be reused, as a restart would)
     */
    public ClusterBackend node(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return new InMemoryNodeBackend(buses.open(nodeId), rooms, presence, mediaStates, sessions);
    }

    /**
     * While {@code fail} is true, every {@code sendToNode} and {@code sendToRoom} of every node
     * completes exceptionally and delivers nothing; subscriptions are unaffected.
     */
    public void failPublishes(boolean fail) {
        buses.failPublishes(fail);
    }

    /** Messages taken from {@code nodeId}'s inbox so far (whether or not a handler accepted them). */
    public long receivedCount(String nodeId) {
        return buses.counters(nodeId).received();
    }

    /** Messages whose handler threw on {@code nodeId} so far. */
    public long handlerFailureCount(String nodeId) {
        return buses.counters(nodeId).handlerFailures();
    }
}
