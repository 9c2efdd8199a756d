package io.rtcio.node.health;

import java.util.function.Supplier;

/**
 * What the management port answers, each read from in-memory state (never a blocking call):
 * <ul>
 *   <li>{@code /health}: liveness, 200 while the node's event loops run, 503 with the reason when
 *       one is wedged (Kubernetes then restarts the pod);</li>
 *   <li>{@code /ready}: readiness, 200 while the node can take new sockets (started, listening,
 *       not draining), 503 otherwise;</li>
 *   <li>{@code /metrics}: the Prometheus text exposition.</li>
 * </ul>
 *
 * @param health  liveness: {@link Check#ok()} or why not
 * @param ready   readiness: {@link Check#ok()} or why not
 * @param metrics the Prometheus text exposition
 */
public record ManagementRoutes(Supplier<Check> health, Supplier<Check> ready, Supplier<String> metrics) {

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
