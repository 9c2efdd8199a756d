package io.rtcio.node.config;

import java.time.Duration;

/**
 * How a node stops when the process is asked to (SIGTERM): {@code /ready} answers 503 at once, the
 * node keeps serving everything for {@code readyDelay} (load balancers and Kubernetes endpoints
 * take that long to stop sending new connections), then closes its sockets' transports in waves
 * over {@code drain} so that clients reconnect elsewhere, then gives its lease back and exits.
 *
 * @param readyDelay how long the node keeps serving after it turned not-ready ({@code SHUTDOWN_READY_DELAY_MS})
 * @param drain      the window the transports are closed in ({@code SHUTDOWN_DRAIN_MS}); 0 closes them all at once
 */
public record ShutdownConfig(Duration readyDelay, Duration drain) {

    public static final Duration DEFAULT_READY_DELAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    /**
     * The most the node spends after the drain window: waiting for the last wave's clients to
     * close their transports (1.25 s at most), telling rooms of sockets still there, stopping the
     * transport, stopping listening on the bus and keeping what it received (2 s at most), giving
     * the lease back. An orchestrator's grace period must cover
     * {@code readyDelay + drain + STOP_BUDGET} (the Helm chart's margin does).
     */
    public static final Duration STOP_BUDGET = Duration.ofSeconds(10);

    /** 5 s delay, 10 s drain. */
    public static ShutdownConfig defaults() {
        return new ShutdownConfig(DEFAULT_READY_DELAY, DEFAULT_DRAIN);
    }

    /** The longest a graceful stop takes, from SIGTERM to exit. */
    public Duration worstCase() {
        return readyDelay.plus(drain).plus(STOP_BUDGET);
    }
}
