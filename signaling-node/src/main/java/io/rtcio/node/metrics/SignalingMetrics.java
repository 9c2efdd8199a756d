package io.rtcio.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The node's meters. Tag values come from closed sets (known event names, error codes, relay
 * outcomes); room, socket and user ids are never tags.
 */
public final class SignalingMetrics {

    /** Outcome of one {@code #rtcio:message} relay. */
    public enum RelayResult { DELIVERED, DROPPED }

    private static final String UNKNOWN_EVENT = "unknown";

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<RelayResult, Counter> relays = new EnumMap<>(RelayResult.class);
    private final Counter publishFailures;
    private final Counter busHandlerFailures;
    private final Counter clusterReceived;
    private final Counter connectionsRefused;
    private final Counter rateLimitDisconnects;
    private final Counter rateLimitDelayed;
    private final Map<RecoveryOutcome, Counter> recoveries = new EnumMap<>(RecoveryOutcome.class);

    /** What became of a dropped or reconnecting session (connection-state recovery). */
    public enum RecoveryOutcome {
        /** An abrupt drop: the socket is held for the grace. */
        HELD,
        /** A CONNECT claimed its session back. */
        RECOVERED,
        /** A CONNECT named a session that could not be recovered: a new session. */
        REFUSED,
        /** The grace ended without a recovery: the departure was announced. */
        DEPARTED
    }

    public SignalingMetrics(String nodeId) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", nodeId);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("signaling.errors").description("Events refused, by error code")
                    .tag("code", code.wire()).register(registry));
        }
        for (RelayResult result : RelayResult.values()) {
            relays.put(result, Counter.builder("signaling.relay.messages")
                    .description("#rtcio:message relays by outcome").tag("result", result.name().toLowerCase())
                    .register(registry));
        }
        for (RecoveryOutcome outcome : RecoveryOutcome.values()) {
            recoveries.put(outcome, Counter.builder("signaling.recovery.sessions")
                    .description("Connection-state recovery: sessions held, recovered, refused, departed after the grace")
                    .tag("outcome", outcome.name().toLowerCase()).register(registry));
        }
        publishFailures = Counter.builder("signaling.cluster.publish.failures")
                .description("Cross-node publishes that failed").register(registry);
        clusterReceived = Counter.builder("signaling.cluster.received")
                .description("Messages received from other nodes").register(registry);
        busHandlerFailures = Counter.builder("signaling.cluster.receive.failures")
                .description("Cross-node messages that could not be delivered locally").register(registry);
        connectionsRefused = Counter.builder("signaling.connections.refused")
                .description("Namespace connects refused by authentication").register(registry);
        rateLimitDisconnects = Counter.builder("signaling.ratelimit.disconnects")
                .description("Sockets disconnected for flooding past their event rate limit").register(registry);
        rateLimitDelayed = Counter.builder("signaling.ratelimit.delayed")
                .description("Events held by the rate limit and handled late, in order").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the gauges read from live node state. */
    public void bindGauges(Supplier<Number> connections, Supplier<Number> rooms) {
        Gauge.builder("signaling.connections", connections).description("Sockets connected to this node")
                .register(registry);
        Gauge.builder("signaling.rooms.local", rooms).description("Rooms with members on this node")
                .register(registry);
    }

    public void eventIn(String event) {
        String tag = Events.CLIENT_EVENTS.contains(event) ? event : UNKNOWN_EVENT;
        eventsIn.computeIfAbsent(tag, t -> Counter.builder("signaling.events.in")
                .description("Events received from clients").tag("event", t).register(registry)).increment();
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** How many events were refused with {@code code} so far. */
    public double errors(ErrorCode code) {
        return errors.get(code).count();
    }

    public void recovery(RecoveryOutcome outcome) {
        recoveries.get(outcome).increment();
    }

    public void connectionRefused() {
        connectionsRefused.increment();
    }

    public void rateLimitDisconnect() {
        rateLimitDisconnects.increment();
    }

    /** How many sockets were disconnected for flooding so far. */
    public void rateLimitDelayed() {
        rateLimitDelayed.increment();
    }

    public double rateLimitDelayedCount() {
        return rateLimitDelayed.count();
    }

    public double rateLimitDisconnects() {
        return rateLimitDisconnects.count();
    }

    public void relay(RelayResult result) {
        relays.get(result).increment();
    }

    /** How many relays ended with {@code result} so far. */
    public double relays(RelayResult result) {
        return relays.get(result).count();
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public void clusterReceived() {
        clusterReceived.increment();
    }

    /** Messages received from other nodes so far. */
    public double clusterReceivedCount() {
        return clusterReceived.count();
    }

    public void receiveFailed() {
        busHandlerFailures.increment();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
