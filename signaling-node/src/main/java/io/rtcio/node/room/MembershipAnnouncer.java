package io.rtcio.node.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.Member;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.Roster;
import io.rtcio.node.session.SocketRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells members of a room that another member joined or left, on whichever node they are, and
 * delivers such announcements to this node's sockets.
 *
 * <p>Delivery to a client goes through the target socket's ordered task chain, so an announcement
 * never overtakes the join that made the target a member (a departure that raced the target's own
 * join arrives after its backfill), and through the target's {@link Roster}, which makes delivery
 * idempotent: the cluster may repeat or reorder announcements (retries after an outage, a restore
 * and a join introducing one pair, an owner and a reaper both announcing one departure), the client
 * hears of each membership at most once, and never of one that had already ended.
 *
 * <p>Announcements to other nodes are targeted bus messages, in order per pair of nodes. One the
 * bus refuses (Redis away) waits in an outbox and is sent again by {@link #retryPending}, then
 * repeated on the next beats too, because a node that has just reconnected may not have its
 * subscription back yet; the rosters drop the repeats. Thread-safe.
 */
public final class MembershipAnnouncer {

    /** Event name of announcements on the bus; never a client event. */
    public static final String BUS_EVENT = "~membership";
    /** How often an announcement that once failed is sent again after a success. */
    private static final int REPEATS_AFTER_OUTAGE = 2;
    /** Outbox bound: beyond it the oldest announcements are given up (and counted). */
    private static final int MAX_PENDING = 100_000;

    private static final Logger log = LoggerFactory.getLogger(MembershipAnnouncer.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private record Pending(String nodeId, ClusterMessage message, int repeats) {
    }

    private final SocketRegistry sockets;
    private final ClusterBus bus;
    private final Deque<Pending> outbox = new ArrayDeque<>(); // guarded by itself
    private final AtomicLong givenUp = new AtomicLong();
    private final boolean dropPeerLeft;

    public MembershipAnnouncer(SocketRegistry sockets, ClusterBus bus) {
        this(sockets, bus, false);
    }

    /**
     * @param dropPeerLeft test-only ({@code RTCIO_TEST_DROP_PEER_LEFT}): never send
     *     {@code #rtcio:peer-left}, so load tests can prove their checks catch a broken node
     */
    public MembershipAnnouncer(SocketRegistry sockets, ClusterBus bus, boolean dropPeerLeft) {
        this.sockets = sockets;
        this.bus = bus;
        this.dropPeerLeft = dropPeerLeft;
        if (dropPeerLeft) {
            log.warn("RTCIO_TEST_DROP_PEER_LEFT=true: #rtcio:peer-left is never sent (test switch, not for deployments)");
        }
    }

    /**
     * Tells each of {@code targets} (except {@code peer} itself) that {@code peer} joined or left.
     * Completes when every local target has its delivery queued and every remote one was published
     * or put in the outbox; never exceptionally.
     */
    CompletionStage<Void> announce(Collection<Member> targets, Announcement.Kind kind, String roomId, Member peer) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(targets.size());
        for (Member target : targets) {
            if (!target.socketId().equals(peer.socketId())) {
                sent.add(send(target.nodeId(), Announcement.of(kind, roomId, target, peer)).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Tells one target, on whichever node it is (see {@link #announce(Collection, Announcement.Kind, String, Member)}). */
    CompletionStage<Void> send(String nodeId, Announcement announcement) {
        if (nodeId.equals(bus.localNode())) {
            deliver(announcement);
            return CompletableFuture.completedFuture(null);
        }
        ClusterMessage message = new ClusterMessage.ToSocket(bus.localNode(), announcement.peerId(),
                announcement.targetId(), BUS_EVENT, encode(announcement));
        return bus.sendToNode(nodeId, message).handle((ok, error) -> {
            if (error != null) {
                keep(new Pending(nodeId, message, REPEATS_AFTER_OUTAGE));
            }
            return null;
        });
    }

    /** An announcement from another node; a malformed one is dropped. */
    public void onBusMessage(String payloadJson) {
        Announcement announcement;
        try {
            announcement = JSON.readValue(payloadJson, Announcement.class);
        } catch (JsonProcessingException | RuntimeException e) {
            log.debug("dropping a malformed membership announcement: {}", e.toString());
            return;
        }
        if (announcement.kind() == null || announcement.roomId() == null || announcement.targetId() == null
                || announcement.peerId() == null || announcement.peerNode() == null) {
            log.debug("dropping an incomplete membership announcement");
            return;
        }
        deliver(announcement);
    }

    /** Queues delivery to the local target, after whatever that socket is doing now. */
    void deliver(Announcement announcement) {
        LocalSocket target = sockets.byId(announcement.targetId());
        if (target == null) {
            return;
        }
        boolean introduction = announcement.kind().introduces();
        if (introduction) {
            target.introductionIncoming(announcement.peerId());
        }
        target.submit(() -> {
            try {
                apply(target, announcement);
            } finally {
                if (introduction) {
                    target.introductionApplied(announcement.peerId());
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Tells the target's client, if its roster says the client must hear of it. */
    private void apply(LocalSocket target, Announcement announcement) {
        LocalSocket.Membership membership = target.membershipIfPresent(announcement.roomId());
        if (membership == null || membership.epoch() != announcement.targetEpoch()) {
            return;
        }
        Roster roster = membership.roster();
        if (announcement.kind() == Announcement.Kind.MOVED) {
            roster.moved(announcement.peer());
        } else if (announcement.kind().introduces()) {
            if (roster.introduce(announcement.peer())) {
                target.send(Events.USER_CONNECTED, userConnected(announcement.peerId(), announcement.peerName()));
                if (announcement.kind() == Announcement.Kind.JOINED) {
                    target.send(Events.RTCIO_INIT_OFFER, Map.of("source", announcement.peerId()));
                }
            }
        } else if (roster.depart(announcement.peerId(), announcement.peerEpoch()) != null) {
            Map<String, Object> id = Map.of("id", announcement.peerId());
            if (announcement.kind() == Announcement.Kind.DISCONNECTED && !dropPeerLeft) {
                target.send(Events.RTCIO_PEER_LEFT, id);
            }
            target.send(Events.USER_DISCONNECTED, id);
        }
    }

    /**
     * Sends the outbox again (cluster maintenance calls this every heartbeat). An announcement is
     * kept until it was published {@link #REPEATS_AFTER_OUTAGE} times in a row.
     */
    public CompletionStage<Void> retryPending() {
        List<Pending> due;
        synchronized (outbox) {
            due = new ArrayList<>(outbox);
            outbox.clear();
        }
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        // In order, one after the other: announcements between two nodes keep their order.
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (Pending pending : due) {
            chain = chain.thenCompose(ok -> bus.sendToNode(pending.nodeId(), pending.message()).handle((sent, error) -> {
                if (error != null) {
                    keep(new Pending(pending.nodeId(), pending.message(), REPEATS_AFTER_OUTAGE));
                } else if (pending.repeats() > 1) {
                    keep(new Pending(pending.nodeId(), pending.message(), pending.repeats() - 1));
                }
                return null;
            }));
        }
        return chain;
    }

    /** Announcements waiting to be sent again. */
    public int pending() {
        synchronized (outbox) {
            return outbox.size();
        }
    }

    private void keep(Pending pending) {
        synchronized (outbox) {
            outbox.addLast(pending);
            if (outbox.size() > MAX_PENDING) {
                outbox.removeFirst();
                if (givenUp.incrementAndGet() % 1000 == 1) {
                    log.warn("membership outbox full: {} announcements given up so far", givenUp.get());
                }
            }
        }
    }

    private static String encode(Announcement announcement) {
        try {
            return JSON.writeValueAsString(announcement);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a membership announcement", e);
        }
    }

    static Map<String, Object> userConnected(String socketId, String name) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", socketId);
        payload.put("name", name == null ? "" : name);
        return payload;
    }
}
