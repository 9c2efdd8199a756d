package io.rtcio.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutorGroup;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The node's meters. Every tag value comes from a closed set (an enum, the protocol's event names,
 * the error codes); room, socket and user ids are never tags, so the number of series a node
 * exposes does not grow with its traffic (see docs/observability.md for the bound). The only
 * node-specific tag is the common {@code node_id}.
 */
public final class SignalingMetrics {

    /** Outcome of one {@code #rtcio:message} relay. */
    public enum RelayResult { DELIVERED, DROPPED }

    /** Where a relay's target was: on this node or on another one. */
    public enum RelayPath { LOCAL, REMOTE }

    /** Why a relay was dropped. */
    public enum DropReason { UNKNOWN_TARGET, NOT_SHARED_ROOM, CLUSTER_UNAVAILABLE }

    /** Why a socket stopped being a member of a room. */
    public enum LeaveCause { LEAVE, DISCONNECT, EVICTED, SHUTDOWN }

    /** The Engine.IO transport of a session. */
    public enum Transport { POLLING, WEBSOCKET }

    /** Why a socket's connection ended, as far as the node knows. */
    public enum CloseReason {
        /** The client went away (closed, or stopped answering pings). */
        CLIENT,
        /** The server closed it (kick, slow reader). */
        SERVER,
        /** Disconnected for flooding past its event rate limit. */
        RATE_LIMIT,
        /** The node is shutting down. */
        SHUTDOWN
    }

    /** Why a namespace connect was refused by authentication. */
    public enum AuthRefusal { MISSING_TOKEN, INVALID_TOKEN, NAMESPACE_IN_USE, AUTHENTICATOR_ERROR }

    /** Why an HTTP request was refused before it reached socket.io. */
    public enum HttpRefusal { ORIGIN }

    /** What the rate limit did to an event or a socket. */
    public enum RateLimitAction { DELAYED, REFUSED, DISCONNECTED }

    /** Latency histograms: these bounds keep each to a fixed, small number of buckets. */
    static final Duration HISTOGRAM_MIN = Duration.ofMillis(1);
    static final Duration HISTOGRAM_MAX = Duration.ofMillis(2500);
    /** At most this many buckets per latency histogram (and per path); tests hold the bound. */
    static final int MAX_HISTOGRAM_BUCKETS = 64;
    static final Duration[] LATENCY_SLOS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofSeconds(1)};

    private static final String UNKNOWN_EVENT = "unknown";
    private static final String JOIN_OK = "ok";
    private static final String JOIN_ERROR = "error";

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> eventBytes = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<RelayResult, Counter> relays = new EnumMap<>(RelayResult.class);
    private final Map<RelayPath, Counter> relaysDelivered = new EnumMap<>(RelayPath.class);
    private final Map<DropReason, Counter> relaysDropped = new EnumMap<>(DropReason.class);
    private final Map<RelayPath, Timer> relayDuration = new EnumMap<>(RelayPath.class);
    private final Map<String, Counter> joins = new ConcurrentHashMap<>();
    private final Map<LeaveCause, Counter> leaves = new EnumMap<>(LeaveCause.class);
    private final Map<Transport, Counter> opened = new EnumMap<>(Transport.class);
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Map<AuthRefusal, Counter> authRefusals = new EnumMap<>(AuthRefusal.class);
    private final Map<HttpRefusal, Counter> httpRefusals = new EnumMap<>(HttpRefusal.class);
    private final Map<RateLimitAction, Counter> rateLimit = new EnumMap<>(RateLimitAction.class);
    private static final int MAX_CLOSE_MARKS = 4096;
    private final Map<UUID, CloseReason> closing = new ConcurrentHashMap<>();
    private final Set<EventExecutorGroup> boundLoops = ConcurrentHashMap.newKeySet();
    private final Timer joinDuration;
    private final Timer publishDuration;
    private final Counter published;
    private final Counter publishFailures;
    private final Counter busHandlerFailures;
    private final Counter clusterReceived;
    private final Counter upgrades;
    private final Counter leaseLost;
    private final Counter nodesReaped;
    private final Counter socketsEvicted;
    private final Counter heartbeatFailures;
    private volatile long lastHeartbeatNanos = -1;
    private volatile boolean clusterUp;
    private final long startNanos = System.nanoTime();
    private final JvmGcMetrics gc = new JvmGcMetrics();
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
        this(nodeId, BuildInfo.fromClasspath());
    }

    public SignalingMetrics(String nodeId, BuildInfo build) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node_id", nodeId);
        // The event-loop binder adds a worker-count gauge per group with no group tag: with two groups
        // (acceptor and workers) the second clashes; the pending-task gauges per loop are what matters.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("netty.eventexecutor.workers"));
        // Micrometer's Netty binders register their gauges without help text; Prometheus lint wants one.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null || !id.getName().startsWith("netty.")) {
                    return id;
                }
                String what = id.getName().startsWith("netty.eventexecutor.") ? "Netty event loop: " : "Netty buffer allocator: ";
                String rest = id.getName().substring(id.getName().indexOf('.', "netty.".length()) + 1);
                return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), what + rest.replace('.', ' '),
                        id.getType());
            }
        });
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("signaling.errors").description("Events refused, by error code")
                    .tag("code", code.wire()).register(registry));
        }
        for (RelayResult result : RelayResult.values()) {
            relays.put(result, Counter.builder("signaling.relay.messages")
                    .description("#rtcio:message relays by outcome").tag("result", tag(result)).register(registry));
        }
        for (RelayPath path : RelayPath.values()) {
            relaysDelivered.put(path, Counter.builder("signaling.relay.delivered")
                    .description("#rtcio:message relays handed to a local target or published to its node, by path")
                    .tag("path", tag(path)).register(registry));
            relayDuration.put(path, latency("signaling.relay.duration",
                    "From receipt of a relay to its hand-over (written locally or published), by path")
                    .tag("path", tag(path)).register(registry));
        }
        for (DropReason reason : DropReason.values()) {
            relaysDropped.put(reason, Counter.builder("signaling.relay.dropped")
                    .description("#rtcio:message relays dropped, by reason").tag("reason", tag(reason))
                    .register(registry));
        }
        for (RecoveryOutcome outcome : RecoveryOutcome.values()) {
            recoveries.put(outcome, Counter.builder("signaling.recovery.sessions")
                    .description("Connection-state recovery: sessions held, recovered, refused, departed after the grace")
                    .tag("outcome", outcome.name().toLowerCase()).register(registry));
        }
        joinDuration = latency("signaling.room.join.duration", "From a join-room to its answer (the shared-state join included)")
                .register(registry);
        publishDuration = latency("signaling.cluster.publish.duration", "Cross-node publishes, until the bus took them")
                .register(registry);
        for (LeaveCause cause : LeaveCause.values()) {
            leaves.put(cause, Counter.builder("signaling.room.leaves").description("Room memberships ended, by cause")
                    .tag("cause", tag(cause)).register(registry));
        }
        joinCounter(JOIN_OK);
        for (Transport transport : Transport.values()) {
            opened.put(transport, Counter.builder("signaling.connections.opened")
                    .description("Sockets admitted, by the transport they started on").tag("transport", tag(transport))
                    .register(registry));
        }
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, Counter.builder("signaling.connections.closed")
                    .description("Sockets gone, by reason").tag("reason", tag(reason)).register(registry));
        }
        upgrades = Counter.builder("signaling.transport.upgrades")
                .description("Sessions upgraded from polling to websocket").register(registry);
        for (AuthRefusal reason : AuthRefusal.values()) {
            authRefusals.put(reason, Counter.builder("signaling.connections.refused")
                    .description("Namespace connects refused by authentication, by reason").tag("reason", tag(reason))
                    .register(registry));
        }
        for (HttpRefusal reason : HttpRefusal.values()) {
            httpRefusals.put(reason, Counter.builder("signaling.http.refused")
                    .description("HTTP requests refused before socket.io (CORS), by reason").tag("reason", tag(reason))
                    .register(registry));
        }
        for (RateLimitAction action : RateLimitAction.values()) {
            rateLimit.put(action, Counter.builder("signaling.ratelimit.actions")
                    .description("What the event rate limit did: events delayed or refused, sockets disconnected")
                    .tag("action", tag(action)).register(registry));
        }
        published = Counter.builder("signaling.cluster.published")
                .description("Cross-node publishes the bus took").register(registry);
        publishFailures = Counter.builder("signaling.cluster.publish.failures")
                .description("Cross-node publishes or shared-state reads a relay or broadcast needed that failed")
                .register(registry);
        clusterReceived = Counter.builder("signaling.cluster.received")
                .description("Messages received from other nodes").register(registry);
        busHandlerFailures = Counter.builder("signaling.cluster.receive.failures")
                .description("Cross-node messages that could not be delivered locally").register(registry);
        leaseLost = Counter.builder("signaling.cluster.lease.lost")
                .description("Times the shared state had forgotten this node's lease (then re-published)").register(registry);
        nodesReaped = Counter.builder("signaling.cluster.nodes.reaped")
                .description("Dead nodes this node reaped").register(registry);
        socketsEvicted = Counter.builder("signaling.cluster.sockets.evicted")
                .description("Sockets no node serves any more, removed from their rooms by this node").register(registry);
        heartbeatFailures = Counter.builder("signaling.cluster.heartbeat.failures")
                .description("Heartbeats that could not reach the shared state").register(registry);
        Gauge.builder("signaling.cluster.up", this, m -> m.clusterUp ? 1 : 0)
                .description("1 while the last heartbeat reached the shared state, else 0").register(registry);
        Gauge.builder("signaling.cluster.heartbeat.age", this, SignalingMetrics::heartbeatAgeSeconds)
                .description("Seconds since the last heartbeat that reached the shared state (since start when none did)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("rtcio.build.info", () -> 1).description("Version and commit of the running build")
                .tag("version", build.version()).tag("commit", build.commit()).register(registry);
        bindRuntime();
    }

    private static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(HISTOGRAM_MIN).maximumExpectedValue(HISTOGRAM_MAX)
                .serviceLevelObjectives(LATENCY_SLOS);
    }

    private void bindRuntime() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
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

    /** Registers a gauge over {@code source}; for the room metrics, which own their state. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /**
     * Exposes the pending tasks of every loop of {@code group} (the event-loop backlog), once per
     * group; the loops are named by their threads, a fixed set.
     */
    public void bindEventLoops(EventExecutorGroup group) {
        if (boundLoops.add(group)) {
            new NettyEventExecutorMetrics(group).bindTo(registry);
        }
    }

    public void eventIn(String event) {
        eventsIn.computeIfAbsent(eventTag(event), t -> Counter.builder("signaling.events.in")
                .description("Events received from clients").tag("event", t).register(registry)).increment();
    }

    /** Records the encoded size of one event a client sent. */
    public void eventSize(String event, long bytes) {
        eventBytes.computeIfAbsent(eventTag(event), t -> DistributionSummary.builder("signaling.event.size")
                .description("Encoded size of the events clients send").baseUnit("bytes").tag("event", t)
                .serviceLevelObjectives(256, 1024, 4096, 16384, 65536).register(registry)).record(bytes);
    }

    private static String eventTag(String event) {
        return Events.CLIENT_EVENTS.contains(event) ? event : UNKNOWN_EVENT;
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
        if (code == ErrorCode.RATE_LIMITED) {
            rateLimit.get(RateLimitAction.REFUSED).increment();
        }
    }

    /** How many events were refused with {@code code} so far. */
    public double errors(ErrorCode code) {
        return errors.get(code).count();
    }

    public void recovery(RecoveryOutcome outcome) {
        recoveries.get(outcome).increment();
    }

    /** A namespace connect refused by authentication. */
    public void connectionRefused(AuthRefusal reason) {
        authRefusals.get(reason).increment();
    }

    public double connectionsRefused(AuthRefusal reason) {
        return authRefusals.get(reason).count();
    }

    /** An HTTP request refused before it reached socket.io. */
    public void httpRefused(HttpRefusal reason) {
        httpRefusals.get(reason).increment();
    }

    public double httpRefusals(HttpRefusal reason) {
        return httpRefusals.get(reason).count();
    }

    /** {@code session} is disconnected for flooding. */
    public void rateLimitDisconnect(UUID session) {
        rateLimit.get(RateLimitAction.DISCONNECTED).increment();
        closing(session, CloseReason.RATE_LIMIT);
    }

    /** An event held by the rate limit and handled late. */
    public void rateLimitDelayed() {
        rateLimit.get(RateLimitAction.DELAYED).increment();
    }

    public double rateLimitDelayedCount() {
        return rateLimit.get(RateLimitAction.DELAYED).count();
    }

    /** How many sockets were disconnected for flooding so far. */
    public double rateLimitDisconnects() {
        return rateLimit.get(RateLimitAction.DISCONNECTED).count();
    }

    /** A relay handed over on {@code path}, {@code nanos} after it arrived. */
    public void relayDelivered(RelayPath path, long nanos) {
        relays.get(RelayResult.DELIVERED).increment();
        relaysDelivered.get(path).increment();
        relayDuration.get(path).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A relay dropped for {@code reason}. */
    public void relayDropped(DropReason reason) {
        relays.get(RelayResult.DROPPED).increment();
        relaysDropped.get(reason).increment();
    }

    /** How many relays ended with {@code result} so far. */
    public double relays(RelayResult result) {
        return relays.get(result).count();
    }

    public double relaysDropped(DropReason reason) {
        return relaysDropped.get(reason).count();
    }

    public double relaysDelivered(RelayPath path) {
        return relaysDelivered.get(path).count();
    }

    /** A join-room answered, {@code nanos} after it arrived: {@code refusal} null when it succeeded. */
    public void join(ErrorCode refusal, long nanos) {
        joinCounter(refusal == null ? JOIN_OK : refusal.wire()).increment();
        joinDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A join-room that failed for another reason than a refusal (the shared state, say). */
    public void joinFailed(long nanos) {
        joinCounter(JOIN_ERROR).increment();
        joinDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter joinCounter(String result) {
        return joins.computeIfAbsent(result, r -> Counter.builder("signaling.room.joins")
                .description("join-room answers, by result (ok, the error code, or error)").tag("result", r).register(registry));
    }

    public double joins(ErrorCode refusal) {
        Counter counter = joins.get(refusal == null ? JOIN_OK : refusal.wire());
        return counter == null ? 0 : counter.count();
    }

    /** {@code count} memberships ended for {@code cause}. */
    public void leaves(LeaveCause cause, int count) {
        if (count > 0) {
            leaves.get(cause).increment(count);
        }
    }

    public double leaves(LeaveCause cause) {
        return leaves.get(cause).count();
    }

    /**
     * Notes why the server is about to close {@code session}, for {@link #connectionClosed(UUID)}.
     * Bounded: marks of sessions that never report their end are dropped beyond a few thousand.
     */
    public void closing(UUID session, CloseReason reason) {
        if (closing.size() >= MAX_CLOSE_MARKS) {
            closing.clear();
        }
        closing.put(session, reason);
    }

    /** A socket of {@code session} is gone: counted under the reason noted for it, else {@code client}. */
    public void connectionClosed(UUID session) {
        CloseReason reason = closing.remove(session);
        connectionClosed(reason == null ? CloseReason.CLIENT : reason);
    }

    public void connectionOpened(Transport transport) {
        opened.get(transport).increment();
    }

    public void connectionClosed(CloseReason reason) {
        closed.get(reason).increment();
    }

    public double connectionsOpened(Transport transport) {
        return opened.get(transport).count();
    }

    public double connectionsClosed(CloseReason reason) {
        return closed.get(reason).count();
    }

    public void upgraded() {
        upgrades.increment();
    }

    public double upgrades() {
        return upgrades.count();
    }

    /** A cross-node publish the bus took, {@code nanos} after it was handed over. */
    public void published(long nanos) {
        published.increment();
        publishDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public double publishFailures() {
        return publishFailures.count();
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

    /** A heartbeat reached the shared state. */
    public void heartbeatSucceeded() {
        lastHeartbeatNanos = System.nanoTime();
        clusterUp = true;
    }

    /** A heartbeat could not reach the shared state. */
    public void heartbeatFailed() {
        heartbeatFailures.increment();
        clusterUp = false;
    }

    public boolean clusterUp() {
        return clusterUp;
    }

    private double heartbeatAgeSeconds() {
        long last = lastHeartbeatNanos;
        return (System.nanoTime() - (last < 0 ? startNanos : last)) / 1e9;
    }

    public void leaseLost() {
        leaseLost.increment();
    }

    public void nodeReaped() {
        nodesReaped.increment();
    }

    public void socketsEvicted(int count) {
        if (count > 0) {
            socketsEvicted.increment(count);
        }
    }

    public double socketsEvicted() {
        return socketsEvicted.count();
    }

    public double nodesReaped() {
        return nodesReaped.count();
    }

    public double leaseLostCount() {
        return leaseLost.count();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops the binders that hold resources (the GC listener). */
    public void close() {
        gc.close();
    }
}
