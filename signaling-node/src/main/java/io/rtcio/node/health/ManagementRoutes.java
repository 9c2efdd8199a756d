package io.rtcio.node.health;

import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What the management port answers, each read from in-memory state (never a blocking call):
 * <ul>
 *   <li>{@code /health}: liveness, 200 while the node's event loops run, 503 with the reason when
 *       one is wedged (Kubernetes then restarts the pod);</li>
 *   <li>{@code /ready}: readiness, 200 while the node can take new sockets (started, listening,
 *       not draining), 503 otherwise;</li>
 *   <li>{@code /metrics}: the Prometheus text exposition;</li>
 *   <li>{@code /admin/rooms?limit=N}: the rooms this node has members in, largest first, at most
 *       N ({@link #DEFAULT_ROOM_LIMIT} by default, {@link #MAX_ROOM_LIMIT} at most), room ids
 *       hashed as in the metrics. Served on the management port only, like everything here.</li>
 * </ul>
 *
 * @param health  liveness: {@link Check#ok()} or why not
 * @param ready   readiness: {@link Check#ok()} or why not
 * @param metrics the Prometheus text exposition
 * @param rooms   the room listing for a limit, as a JSON-serialisable value
 */
public record ManagementRoutes(Supplier<Check> health, Supplier<Check> ready, Supplier<String> metrics,
                               IntFunction<Object> rooms) {

    public static final int DEFAULT_ROOM_LIMIT = 50;
    public static final int MAX_ROOM_LIMIT = 500;

    /** Routes without a room listing (it answers an empty one). */
    public ManagementRoutes(Supplier<Check> health, Supplier<Check> ready, Supplier<String> metrics) {
        this(health, ready, metrics, limit -> java.util.Map.of("rooms", java.util.List.of(), "total", 0,
                "truncated", false));
    }

    /** The outcome of a probe: passing, or failing for a short reason (shown in the response). */
    public record Check(boolean passing, String reason) {

        private static final Check OK = new Check(true, null);

        public static Check ok() {
            return OK;
        }

        public static Check failing(String reason) {
            return new Check(false, reason);
        }
    }
}
