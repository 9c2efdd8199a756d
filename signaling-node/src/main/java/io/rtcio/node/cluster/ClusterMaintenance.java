package io.rtcio.node.cluster;

import io.rtcio.cluster.PresenceStore;
import io.rtcio.node.recovery.SessionRecovery;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.room.RoomService;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the shared state true to what the nodes hold, on one thread, every heartbeat:
 * <ol>
 *   <li>Renews this node's lease. A lease that turns out new after the first one means the shared
 *       state forgot this node (Redis restarted empty, or a long partition): the node re-publishes
 *       every socket it owns, its memberships, room passwords, media states and recoverable
 *       sessions, and subscribes to its rooms again.</li>
 *   <li>Reaps dead nodes: for each node whose lease lapsed, one survivor wins the claim and
 *       evicts its sockets from their rooms, telling the rooms as a disconnect would.</li>
 *   <li>After a re-publish, and every few beats, evicts sockets the shared state lists under this
 *       node that it no longer has (they left while the shared state was unreachable).</li>
 *   <li>Every few beats, tells local sockets of peers whose node has no lease any more (a node
 *       that died while the shared state was lost is never reaped).</li>
 *   <li>Settles departures owed since the shared state was unreachable, and sends membership
 *       announcements the bus refused again.</li>
 * </ol>
 * Failures (Redis away) are logged and retried on the next beat; nothing here ever stops the node.
 * After start-up and after the shared state was unreachable, the node waits one lease before it
 * reaps anyone: the others may have been cut off just as long and deserve a beat first.
 */
public final class ClusterMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterMaintenance.class);
    private static final int RECONCILE_EVERY_BEATS = 5;
    /** The longest the node waits to give its lease back when it stops (part of its stop budget). */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(1);

    private final String nodeId;
    private final Duration heartbeat;
    private final Duration lease;
    private final PresenceStore presence;
    private final RoomService rooms;
    private final SocketRegistry sockets;
    private final SocketEviction eviction;
    private final SignalingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile SessionRecovery recovery;
    private boolean leased;
    private boolean unreachable;
    private long beats;
    /** No reaping before this: a node that was cut off gives the others a lease to beat first. */
    private long reapNotBeforeNanos;

    public ClusterMaintenance(String nodeId, Duration heartbeat, Duration lease, PresenceStore presence,
                              RoomService rooms, SocketRegistry sockets, SignalingMetrics metrics) {
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.heartbeat = heartbeat;
        this.lease = lease;
        this.presence = presence;
        this.rooms = rooms;
        this.sockets = sockets;
        this.eviction = new SocketEviction(rooms, presence);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cluster-maintenance");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Gives the sockets of dead nodes the departure grace of connection-state recovery: those with
     * a recoverable session are evicted only if nobody recovered them by the end of it.
     */
    public void holdOrphansWith(SessionRecovery recovery) {
        this.recovery = recovery;
    }

    /** Takes the first lease (waiting for it briefly), then beats every heartbeat. */
    public void start() {
        running.set(true);
        reapNotBeforeNanos = System.nanoTime() + lease.toNanos();
        try {
            scheduler.submit(this::beat).get(lease.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("first heartbeat did not complete: {}", e.toString());
        }
        scheduler.scheduleWithFixedDelay(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round; runs on the maintenance thread and waits for its own steps (bounded by the lease). */
    private void beat() {
        if (!running.get()) {
            return;
        }
        try {
            boolean wasLive;
            try {
                wasLive = presence.heartbeat(nodeId, lease).toCompletableFuture()
                        .get(lease.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                metrics.heartbeatFailed();
                throw e;
            }
            metrics.heartbeatSucceeded();
            if (unreachable) {
                log.info("cluster state reachable again");
                unreachable = false;
                reapNotBeforeNanos = System.nanoTime() + lease.toNanos();
            }
            boolean reconcile = ++beats % RECONCILE_EVERY_BEATS == 0;
            if (leased && !wasLive) {
                log.warn("the shared state lost this node's lease; re-publishing {} sockets", sockets.size());
                metrics.leaseLost();
                republish().toCompletableFuture().get(lease.toMillis(), TimeUnit.MILLISECONDS);
                reconcile = true;
            }
            leased = true;
            if (System.nanoTime() - reapNotBeforeNanos >= 0) {
                reapDeadNodes().toCompletableFuture().get(lease.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (reconcile) {
                evictStaleSockets().toCompletableFuture().get(lease.toMillis(), TimeUnit.MILLISECONDS);
                if (System.nanoTime() - reapNotBeforeNanos >= 0) {
                    presence.liveNodes().thenAccept(rooms::departPeersOfDeadNodes)
                            .toCompletableFuture().get(lease.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            rooms.settleOwedDepartures().toCompletableFuture().get(lease.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!unreachable) {
                log.warn("cluster maintenance failed, retrying every {} ms: {}", heartbeat.toMillis(), e.toString());
                unreachable = true;
            }
        }
    }

    /**
     * Puts back every socket, membership, password and media state this node owns, and the
     * recoverable sessions of its sockets (see {@link SessionRecovery#republish}), and introduces
     * its sockets to members they never met (see {@link RoomService#restore}).
     */
    private CompletionStage<Void> republish() {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        steps.add(rooms.resubscribeAll().toCompletableFuture());
        SessionRecovery sessions = recovery;
        for (LocalSocket socket : sockets.all()) {
            steps.add(presence.register(socket.id(), nodeId).toCompletableFuture());
            steps.add(rooms.restore(socket).toCompletableFuture());
            if (sessions != null) {
                steps.add(sessions.republish(socket).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> reapDeadNodes() {
        return presence.deadNodes().thenCompose(dead -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (String node : dead) {
                if (!node.equals(nodeId)) {
                    chain = chain.thenCompose(ok -> reap(node));
                }
            }
            return chain;
        });
    }

    private CompletionStage<Void> reap(String deadNode) {
        return presence.claimReap(deadNode).thenCompose(won -> {
            if (!won) {
                return CompletableFuture.completedFuture(null);
            }
            SessionRecovery grace = recovery;
            return presence.socketsOf(deadNode).thenCompose(orphans -> {
                log.warn("node {} is dead; evicting its {} sockets", deadNode, orphans.size());
                metrics.nodeReaped();
                return grace == null ? CompletableFuture.completedFuture(orphans)
                        : grace.holdOrphans(deadNode, orphans, eviction::evict);
            }).thenCompose(this::evictAll).thenCompose(ok -> presence.forgetNode(deadNode));
        });
    }

    private CompletionStage<Void> evictStaleSockets() {
        return presence.socketsOf(nodeId).thenCompose(listed -> {
            Set<String> stale = new HashSet<>(listed);
            // A socket still leaving its rooms is not stale: its own departure announces it.
            stale.removeIf(id -> sockets.byId(id) != null || sockets.isDeparting(id));
            if (!stale.isEmpty()) {
                log.info("evicting {} sockets that left this node while the cluster state was unreachable", stale.size());
            }
            return evictAll(stale);
        });
    }

    private CompletionStage<Void> evictAll(Set<String> socketIds) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (String socketId : socketIds) {
            chain = chain.thenCompose(ok -> eviction.evict(socketId)).thenRun(() -> {
                metrics.socketsEvicted(1);
                metrics.leaves(SignalingMetrics.LeaveCause.EVICTED, 1);
            });
        }
        return chain;
    }

    /** Stops beating and gives the lease back, so nobody reaps a node that left cleanly. */
    @Override
    public void close() {
        close(false);
    }

    /**
     * Stops beating. Without {@code handOver} the lease is given back with the node's sockets, so
     * nobody reaps a node that left cleanly; with it the lease just ends and the sockets stay
     * registered, so that a survivor reaps them at once, as it would after a crash (with the
     * departure grace of connection-state recovery).
     */
    public void close(boolean handOver) {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            (handOver ? presence.endLease(nodeId) : presence.forgetNode(nodeId)).toCompletableFuture()
                    .get(Math.min(heartbeat.toMillis(), RELEASE_WAIT.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("could not give the lease back: {}", e.toString());
        }
    }
}
