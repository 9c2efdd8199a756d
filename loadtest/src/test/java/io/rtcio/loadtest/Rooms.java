package io.rtcio.loadtest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Seats users in rooms: consecutive users share a room, and seat {@code i} connects to target
 * {@code i mod targets} for its whole session, so with several targets a room's members sit on
 * different nodes. One target per user is also what long-polling needs: every request of an
 * Engine.IO session must reach the node that holds it (an ingress does this with sticky sessions). Room ids carry the run id, so runs never meet.
 * Only whole rooms are handed out: a member waiting for a room-mate who never comes would fail.
 */
final class Rooms {

    private final List<Map<String, Object>> seats = new ArrayList<>();

    private Rooms(String prefix, int users, int[] sizes) {
        String run = prefix + "-" + Long.toString(System.currentTimeMillis(), 36);
        int room = 0;
        while (seats.size() < users) {
            int size = sizes[room % sizes.length];
            for (int i = 0; i < size; i++) {
                seats.add(Map.of("room", run + "-" + room, "roomSize", size));
            }
            room++;
        }
    }

    /** Rooms of one size; {@code users} is already a multiple of it. */
    static Rooms fixed(String prefix, int users, int size) {
        return new Rooms(prefix, users, new int[] {size});
    }

    /** Rooms whose sizes cycle through {@code sizes}; the user count is rounded up to a whole room. */
    static Rooms cycling(String prefix, int users, int... sizes) {
        return new Rooms(prefix, users, sizes);
    }

    /** Users seated (at least as many as asked for). */
    int users() {
        return seats.size();
    }

    /**
     * The seats in order, each with its {@code room}, {@code roomSize} and its target as
     * {@code wsTarget} and {@code httpTarget} (the same server).
     */
    Iterator<Map<String, Object>> feeder(Settings settings) {
        List<Map<String, Object>> seated = new ArrayList<>(seats.size());
        for (int i = 0; i < seats.size(); i++) {
            Map<String, Object> seat = new java.util.HashMap<>(seats.get(i));
            int target = i % settings.targets.size();
            seat.put("wsTarget", settings.targets.get(target));
            seat.put("httpTarget", settings.httpTargets.get(target));
            seated.add(Map.copyOf(seat));
        }
        return seated.iterator();
    }
}
