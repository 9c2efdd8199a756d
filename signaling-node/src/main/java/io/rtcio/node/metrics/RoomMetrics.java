package io.rtcio.node.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.rtcio.node.config.RoomMetricsConfig;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.Roster;
import io.rtcio.node.session.SocketRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-room metrics with a fixed number of series, computed from what this node holds (its
 * sockets' memberships and their rosters), no shared-state read:
 * <ul>
 *   <li>Each room is counted by exactly one node, its <em>owner</em>: the node of the member with
 *       the smallest socket id among the members this node knows of (its own members and their
 *       rosters). Every node with members sees the same member set once introductions have
 *       settled, so summing the per-node gauges over the cluster counts each room and each member
 *       once ({@code signaling_cluster_rooms}, {@code signaling_cluster_room_members}).</li>
 *   <li>The room-size distribution over the owned rooms, in fixed size classes
 *       ({@code signaling_rooms_by_size{size}}).</li>
 *   <li>Optionally the {@code topK} largest owned rooms by members
 *       ({@code signaling_room_members{room}}), labelled with a keyed hash of the room id (HMAC-SHA256
 *       under the configured key or a random per-process one, 12 hex digits; room ids are often the
 *       secret link of a call), plus {@code room="_other"} for the members of the rest. A room's
 *       series goes when it ends or leaves the top K.</li>
 * </ul>
 * Refreshed on each scrape ({@link #refresh()}), at most once per {@link #MIN_REFRESH_NANOS}.
 */
public final class RoomMetrics {

    /** Room size classes: the label values of {@code signaling_rooms_by_size}. */
    public enum SizeClass {
        S1("1", 1), S2("2", 2), S3("3", 3), S4("4", 4), S5_8("5-8", 8), S9_16("9-16", 16), S17_PLUS("17+", Integer.MAX_VALUE);

        private final String label;
        private final int upTo;

        SizeClass(String label, int upTo) {
            this.label = label;
            this.upTo = upTo;
        }

        public String label() {
            return label;
        }

        static SizeClass of(int size) {
            for (SizeClass sizeClass : values()) {
                if (size <= sizeClass.upTo) {
                    return sizeClass;
                }
            }
            return S17_PLUS;
        }
    }

    /** Label of the series that sums the members of the owned rooms outside the top K. */
    public static final String OTHER_ROOMS = "_other";
    static final long MIN_REFRESH_NANOS = 1_000_000_000L;

    /** One room as this node sees it. */
    public record RoomView(String label, int members, int localMembers, int nodes, boolean owned) {
    }

    private final String nodeId;
    private final SocketRegistry sockets;
    private final int topK;
    private final SecretKeySpec key;
    private final MultiGauge topRooms;
    private final Map<SizeClass, Integer> bySize = new EnumMap<>(SizeClass.class);
    private volatile List<RoomView> views = List.of();
    /** Labels of the rooms seen at the last refresh: each room is hashed once while it lasts. */
    private Map<String, String> labels = new HashMap<>();
    private volatile int ownedRooms;
    private volatile int ownedMembers;
    private long refreshedAt = System.nanoTime() - MIN_REFRESH_NANOS;

    public RoomMetrics(String nodeId, SocketRegistry sockets, RoomMetricsConfig config, SignalingMetrics metrics) {
        this.nodeId = nodeId;
        this.sockets = sockets;
        this.topK = config.topK();
        byte[] secret;
        if (config.key() != null) {
            secret = config.key().getBytes(StandardCharsets.UTF_8);
        } else {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        for (SizeClass sizeClass : SizeClass.values()) {
            bySize.put(sizeClass, 0);
            Gauge.builder("signaling.rooms.by.size", this, rooms -> rooms.bySizeValue(sizeClass))
                    .description("Rooms this node counts for the cluster, by size class (members cluster-wide)")
                    .tag("size", sizeClass.label()).register(metrics.registry());
        }
        metrics.gauge("signaling.cluster.rooms", "Rooms this node counts for the cluster (sum over nodes: each room once)",
                this, rooms -> rooms.ownedRooms);
        metrics.gauge("signaling.cluster.room.members",
                "Members of the rooms this node counts for the cluster (sum over nodes: each member once)",
                this, rooms -> rooms.ownedMembers);
        topRooms = topK == 0 ? null : MultiGauge.builder("signaling.room.members")
                .description("Members of the largest rooms this node counts, by hashed room; _other sums the rest")
                .register(metrics.registry());
    }

    private synchronized double bySizeValue(SizeClass sizeClass) {
        return bySize.get(sizeClass);
    }

    /** Recomputes every value from the local sockets, unless that was done within the last second. */
    public synchronized void refresh() {
        long now = System.nanoTime();
        if (now - refreshedAt < MIN_REFRESH_NANOS) {
            return;
        }
        refreshedAt = now;
        Map<String, Set<String>> localMembers = new HashMap<>();
        Map<String, Map<String, String>> known = new HashMap<>();
        for (LocalSocket socket : sockets.all()) {
            for (String roomId : socket.rooms()) {
                localMembers.computeIfAbsent(roomId, r -> new HashSet<>()).add(socket.id());
                Map<String, String> members = known.computeIfAbsent(roomId, r -> new HashMap<>());
                members.put(socket.id(), nodeId);
                LocalSocket.Membership membership = socket.membershipIfPresent(roomId);
                if (membership != null) {
                    for (Roster.Peer peer : membership.roster().peers()) {
                        members.putIfAbsent(peer.socketId(), peer.nodeId());
                    }
                }
            }
        }
        List<RoomView> next = new ArrayList<>(known.size());
        Map<String, String> nextLabels = new HashMap<>(known.size() * 2);
        Map<SizeClass, Integer> sizes = new EnumMap<>(SizeClass.class);
        for (SizeClass sizeClass : SizeClass.values()) {
            sizes.put(sizeClass, 0);
        }
        int rooms = 0;
        int members = 0;
        for (Map.Entry<String, Map<String, String>> room : known.entrySet()) {
            Map<String, String> all = room.getValue();
            Set<String> local = localMembers.get(room.getKey());
            String smallest = new TreeSet<>(all.keySet()).first();
            boolean owned = local.contains(smallest);
            int nodeCount = new HashSet<>(all.values()).size();
            String label = labels.get(room.getKey());
            if (label == null) {
                label = label(room.getKey());
            }
            nextLabels.put(room.getKey(), label);
            next.add(new RoomView(label, all.size(), local.size(), nodeCount, owned));
            if (owned) {
                rooms++;
                members += all.size();
                sizes.merge(SizeClass.of(all.size()), 1, Integer::sum);
            }
        }
        next.sort(Comparator.comparingInt(RoomView::members).reversed().thenComparing(RoomView::label));
        views = List.copyOf(next);
        labels = nextLabels;
        bySize.putAll(sizes);
        ownedRooms = rooms;
        ownedMembers = members;
        if (topRooms != null) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            int other = 0;
            int exported = 0;
            for (RoomView view : next) {
                if (!view.owned()) {
                    continue;
                }
                if (exported < topK) {
                    rows.add(MultiGauge.Row.of(Tags.of("room", view.label()), view.members()));
                    exported++;
                } else {
                    other += view.members();
                }
            }
            rows.add(MultiGauge.Row.of(Tags.of("room", OTHER_ROOMS), other));
            topRooms.register(rows, true);
        }
    }

    /** The rooms this node has members in, largest first, at most {@code limit}; as of the last refresh. */
    public Map<String, Object> describe(int limit) {
        List<RoomView> all = views;
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (RoomView view : all.subList(0, Math.min(limit, all.size()))) {
            Map<String, Object> room = new LinkedHashMap<>();
            room.put("room", view.label());
            room.put("members", view.members());
            room.put("localMembers", view.localMembers());
            room.put("nodes", view.nodes());
            room.put("countedHere", view.owned());
            rooms.add(room);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rooms", rooms);
        body.put("total", all.size());
        body.put("truncated", all.size() > limit);
        return body;
    }

    /** The label a room gets: a keyed hash, 12 hex digits; not reversible without the key. */
    public String label(String roomId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(roomId.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(12);
            for (int i = 0; i < 6; i++) {
                hex.append(String.format(Locale.ROOT, "%02x", digest[i]));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Rooms this node counts for the cluster, as of the last refresh. */
    public int ownedRooms() {
        return ownedRooms;
    }

    /** Members of those rooms, as of the last refresh. */
    public int ownedMembers() {
        return ownedMembers;
    }
}
