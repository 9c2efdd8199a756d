package io.rtcio.cluster.memory;

import io.rtcio.cluster.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The socket directory and node leases of one {@link InMemoryHub}. Every call completes before it
 * returns. Thread-safe (one monitor).
 *
 * <p>Leases: a heartbeat sets the node's expiry to now + lease on the hub's clock; the node is dead
 * from that instant on, until it heartbeats again or is forgotten. {@link #deadNodes} lists dead
 * nodes whether or not someone claimed them. {@link #claimReap} succeeds once per death: for a
 * dead, unclaimed node. A heartbeat revives a dead node and withdraws any claim on it;
 * {@link #forgetNode} drops the node's lease, claim and sockets; {@link #endLease} makes the node
 * dead at once and keeps its sockets.
 */
final class InMemoryPresenceStore implements PresenceStore {

    private final Clock clock;
    private final Map<String, String> nodeBySocket = new HashMap<>(); // guarded by this
    private final Map<String, Instant> leaseExpiry = new HashMap<>(); // guarded by this
    private final Set<String> claimed = new HashSet<>(); // guarded by this

    InMemoryPresenceStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized CompletionStage<Void> register(String socketId, String nodeId) {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(nodeId, "nodeId");
        nodeBySocket.put(socketId, nodeId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> unregister(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        nodeBySocket.remove(socketId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Optional<String>> locate(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        return CompletableFuture.completedFuture(Optional.ofNullable(nodeBySocket.get(socketId)));
    }

    /** @throws IllegalArgumentException when {@code lease} is not positive */
    @Override
    public synchronized CompletionStage<Boolean> heartbeat(String nodeId, Duration lease) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, got " + lease);
        }
        Instant now = clock.instant();
        Instant previous = leaseExpiry.put(nodeId, now.plus(lease));
        claimed.remove(nodeId);
        return CompletableFuture.completedFuture(previous != null && previous.isAfter(now));
    }

    @Override
    public synchronized CompletionStage<Set<String>> deadNodes() {
        Instant now = clock.instant();
        Set<String> dead = leaseExpiry.entrySet().stream()
                .filter(lease -> !now.isBefore(lease.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        return CompletableFuture.completedFuture(dead);
    }

    @Override
    public synchronized CompletionStage<Set<String>> liveNodes() {
        Instant now = clock.instant();
        Set<String> live = leaseExpiry.entrySet().stream()
                .filter(lease -> now.isBefore(lease.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        return CompletableFuture.completedFuture(live);
    }

    @Override
    public synchronized CompletionStage<Boolean> claimReap(String deadNode) {
        Objects.requireNonNull(deadNode, "deadNode");
        Instant expiry = leaseExpiry.get(deadNode);
        boolean dead = expiry != null && !clock.instant().isBefore(expiry);
        return CompletableFuture.completedFuture(dead && claimed.add(deadNode));
    }

    @Override
    public synchronized CompletionStage<Set<String>> socketsOf(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        Set<String> sockets = nodeBySocket.entrySet().stream()
                .filter(entry -> entry.getValue().equals(nodeId))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        return CompletableFuture.completedFuture(sockets);
    }

    @Override
    public synchronized CompletionStage<Void> forgetNode(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        leaseExpiry.remove(nodeId);
        claimed.remove(nodeId);
        nodeBySocket.values().removeIf(nodeId::equals);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> endLease(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        leaseExpiry.put(nodeId, clock.instant());
        return CompletableFuture.completedFuture(null);
    }
}
