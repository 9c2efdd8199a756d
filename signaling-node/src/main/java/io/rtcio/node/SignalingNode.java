package io.rtcio.node;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.node.chat.ChatHandler;
import io.rtcio.node.config.ConfigException;
import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.NodeConfig;
import io.netty.channel.Channel;
import io.rtcio.node.health.EventLoopWatchdog;
import io.rtcio.node.health.ManagementRoutes;
import io.rtcio.node.health.ManagementServer;
import io.rtcio.node.lifecycle.Drain;
import io.rtcio.node.config.ShutdownConfig;
import io.rtcio.node.ice.IceHandler;
import io.rtcio.node.media.MediaHandlers;
import io.rtcio.node.config.RoomMetricsConfig;
import io.rtcio.node.metrics.MeteredHandlers;
import io.rtcio.node.metrics.RoomMetrics;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.relay.Relay;
import io.rtcio.node.relay.RtcioMessageHandler;
import io.rtcio.node.auth.Authenticators;
import io.rtcio.node.extension.Extensions;
import io.rtcio.node.relay.RelayPolicy;
import io.rtcio.node.room.RoomAccessPolicies;
import io.rtcio.node.room.MembershipAnnouncer;
import io.rtcio.node.room.RoomService;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import io.rtcio.node.transport.EventRouter;
import io.rtcio.node.transport.SignalingServer;
import io.rtcio.node.transport.TransportChannels;
import io.rtcio.node.cluster.ClusterMaintenance;
import io.rtcio.node.logging.JsonLineEncoder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import io.rtcio.node.recovery.SessionRecovery;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling node: a socket.io server speaking the rtc.io protocol, sharing rooms, presence
 * and relays with the other nodes through a {@link ClusterBackend}.
 */
public final class SignalingNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SignalingNode.class);
    /** Part of {@link ShutdownConfig#STOP_BUDGET}, with the transport's stop and the lease's release. */
    private static final Duration DEPARTURES_WAIT = Duration.ofSeconds(2);
    /** How long a stopping node waits for the bus to stop delivering, then for what it delivered to be kept. */
    private static final Duration LISTEN_STOP_WAIT = Duration.ofSeconds(1);

    private final NodeConfig config;
    private final ClusterBackend backend;
    private final SocketRegistry sockets = new SocketRegistry();
    private final SignalingMetrics metrics;
    private final RoomMetrics roomMetrics;
    private final SignalingServer server;
    private final ManagementServer management;
    private final ClusterMaintenance maintenance;
    private final EventLoopWatchdog watchdog = new EventLoopWatchdog();
    private final RoomService rooms;
    private final SessionRecovery recovery;
    private final ScheduledExecutorService recoveryTimers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "recovery-timers");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private SignalingNode(NodeConfig config, ClusterBackend backend, Extensions extensions,
                          RoomMetricsConfig roomMetricsConfig) {
        this.config = config;
        this.backend = backend;
        this.metrics = new SignalingMetrics(config.nodeId());
        metrics.bindGauges(sockets::size, sockets::roomCount);
        this.roomMetrics = new RoomMetrics(config.nodeId(), sockets, roomMetricsConfig, metrics);
        metrics.gauge("signaling.ready", "1 while the node takes new sockets (what /ready answers), else 0", this,
                node -> node.isReady() ? 1 : 0);

        Relay relay = new Relay(sockets, backend.bus(), metrics);
        MembershipAnnouncer announcer = new MembershipAnnouncer(sockets, backend.bus(),
                ConfigLoader.testDropPeerLeft(System.getenv()));
        relay.onInternalEvent(MembershipAnnouncer.BUS_EVENT, announcer::onBusMessage);
        rooms = new RoomService(backend.rooms(), backend.bus(), sockets, announcer, extensions.roomAccessPolicy() != null
                ? extensions.roomAccessPolicy() : RoomAccessPolicies.fromConfig(config.security()), config.maxPeers(),
                config.security().sessionLimits().maxRoomsPerSocket());
        MediaHandlers media = new MediaHandlers(backend.mediaStates(), relay);
        Clock clock = Clock.systemUTC();

        maintenance = new ClusterMaintenance(config.nodeId(), config.heartbeat(), config.lease(), backend.presence(),
                rooms, sockets, metrics);
        server = new SignalingServer(config, sockets, metrics, extensions.authenticator() != null
                ? extensions.authenticator() : Authenticators.fromConfig(config.security()), extensions.taps());
        RelayPolicy relayPolicy = RelayPolicy.forScope(config.security().relayScope(), config.nodeId(), sockets,
                backend.rooms(), backend.presence());
        relay.guardDeliveries(relayPolicy::mayDeliver);
        RtcioMessageHandler relayHandler = new RtcioMessageHandler(relay, metrics, relayPolicy);
        IceHandler ice = new IceHandler(config.turn(), clock);
        recovery = new SessionRecovery(config.recovery(), config.nodeId(), backend.sessions(), sockets, rooms,
                backend.presence(), backend.mediaStates(), backend.bus(), recoveryTimers, metrics);
        relay.onInternalEvent(SessionRecovery.TAKEN_EVENT, recovery::onTaken);
        relay.onInternalEvent(SessionRecovery.FORWARD_EVENT, recovery::onForward);
        relay.keepUnheard(recovery::keepUnheard);
        maintenance.holdOrphansWith(recovery);
        server.recovery(recovery, (socket, ticket) -> {
            watchTransportOf(socket);
            return recovery.resume(socket, ticket);
        });
        for (EventRouter router : server.rtcioRouters()) {
            router.lifecycle(
                    socket -> {
                        watchTransportOf(socket);
                        metrics.connectionOpened(socket.onWebSocket() ? SignalingMetrics.Transport.WEBSOCKET
                                : SignalingMetrics.Transport.POLLING);
                        return backend.presence().register(socket.id(), config.nodeId())
                                .thenCompose(ok -> recovery.opened(socket));
                    },
                    socket -> recovery.disconnected(socket, this::depart));
            router.on(Events.RTCIO_MESSAGE, relayHandler);
            router.on(Events.JOIN_ROOM, MeteredHandlers.join(rooms.joinHandler(), metrics));
            router.on(Events.CHECK_ROOM, rooms.checkHandler());
            router.on(Events.LEAVE_ROOM, MeteredHandlers.leave(rooms.leaveHandler(), metrics));
            router.on(Events.MEDIA_STATE, media.mediaState());
            router.on(Events.STOP_SCREEN_SHARE, media.stopScreenShare());
            router.on(Events.CHAT_MESSAGE, new ChatHandler(relay, clock));
            router.on(Events.ASK_ICE, ice);
        }
        extensions.events().forEach(server::on);

        management = new ManagementServer(config.host(), config.managementPort(),
                new ManagementRoutes(this::liveness, this::readiness, this::scrape, this::describeRooms));
    }

    /** Leaves every room of a socket that is gone (announced to each), then its directory entry. */
    private CompletionStage<Void> depart(LocalSocket socket) {
        return departed(socket).thenCompose(ok -> backend.presence().unregister(socket.id()))
                .exceptionally(error -> {
                    // Redis away: its directory entry goes with the next stale-socket sweep.
                    log.debug("socket {} left; its directory entry stays for now: {}", socket.id(), error.toString());
                    return null;
                });
    }

    /**
     * Watches the transport event loops a socket's connection runs on (its worker group and the
     * acceptor's), once per group: netty-socketio does not hand its groups out, a channel does.
     */
    private void watchTransportOf(LocalSocket socket) {
        Channel channel = TransportChannels.channelOf(socket.engineSession());
        if (channel == null) {
            return;
        }
        if (channel.eventLoop().parent() != null) {
            watchdog.watch(channel.eventLoop().parent());
            metrics.bindEventLoops(channel.eventLoop().parent());
        }
        if (channel.parent() != null && channel.parent().eventLoop().parent() != null) {
            watchdog.watch(channel.parent().eventLoop().parent());
            metrics.bindEventLoops(channel.parent().eventLoop().parent());
        }
    }

    private String scrape() {
        roomMetrics.refresh();
        return metrics.scrape();
    }

    private Object describeRooms(int limit) {
        roomMetrics.refresh();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", config.nodeId());
        body.putAll(roomMetrics.describe(limit));
        return body;
    }

    /** A socket is gone: counted, then its rooms are told (as part of the same departure). */
    private CompletionStage<Void> departed(LocalSocket socket) {
        boolean shuttingDown = stopping.get() || closed.get();
        if (shuttingDown) {
            metrics.connectionClosed(SignalingMetrics.CloseReason.SHUTDOWN);
        } else {
            metrics.connectionClosed(socket.engineSession());
        }
        metrics.leaves(shuttingDown ? SignalingMetrics.LeaveCause.SHUTDOWN : SignalingMetrics.LeaveCause.DISCONNECT,
                socket.rooms().size());
        return rooms.leaveAll(socket);
    }

    private ManagementRoutes.Check liveness() {
        return watchdog.stalled().map(ManagementRoutes.Check::failing).orElse(ManagementRoutes.Check.ok());
    }

    private ManagementRoutes.Check readiness() {
        if (closed.get() || stopping.get()) {
            return ManagementRoutes.Check.failing("shutting down");
        }
        if (!ready.get()) {
            return ManagementRoutes.Check.failing("starting");
        }
        return liveness();
    }

    /** Starts a node on {@code backend}; the caller keeps ownership of the backend. */
    public static SignalingNode start(NodeConfig config, ClusterBackend backend) {
        return start(config, backend, Extensions.NONE);
    }

    /**
     * A node embedded in an application: custom authentication, room access, events, taps. See
     * {@link SignalingNodeBuilder}.
     */
    public static SignalingNodeBuilder builder(NodeConfig config) {
        return new SignalingNodeBuilder(config);
    }

    /** Starts a node with {@code extensions} on {@code backend}; the caller keeps ownership of the backend. */
    static SignalingNode start(NodeConfig config, ClusterBackend backend, Extensions extensions) {
        return start(config, backend, extensions, RoomMetricsConfig.DEFAULT);
    }

    static SignalingNode start(NodeConfig config, ClusterBackend backend, Extensions extensions,
                               RoomMetricsConfig roomMetrics) {
        SignalingNode node = new SignalingNode(config, backend, extensions, roomMetrics);
        try {
            node.management.start();
            node.maintenance.start();
            node.server.start();
        } catch (Exception e) {
            // Also what netty-socketio throws undeclared (a BindException when the port is taken):
            // the node is closed either way, or its threads would keep a dead process alive.
            node.close();
            throw e;
        }
        node.ready.set(true);
        log.info("node {} listening on {}:{} (management {}), cluster backend: {}, max peers {}, allowed origins {},"
                        + " relay policy {}, rate limit {}/s (burst {})",
                config.nodeId(), config.host(), config.port(), config.managementPort(), backend.kind(),
                config.maxPeers(), config.allowedOrigins().isEmpty() ? "none (browsers refused)" : config.allowedOrigins(),
                config.security().relayScope().setting(), config.security().rateLimit().eventsPerSecond(),
                config.security().rateLimit().burst());
        return node;
    }

    public NodeConfig config() {
        return config;
    }

    /** Per-session state held by the transport; back to its baseline when sessions end (leak checks). */
    public int sessionStates() {
        return server.sessionStates();
    }

    public SignalingMetrics metrics() {
        return metrics;
    }

    /** Can take new sockets: started, listening, not shutting down, its event loops running. */
    public boolean isReady() {
        return readiness().passing();
    }

    /** The local socket {@code socketId}, or null (for tests that reach into the transport). */
    LocalSocket localSocket(String socketId) {
        return sockets.byId(socketId);
    }

    /**
     * Closes the transport of a local socket from the server side, whether or not the client
     * cooperates; its rooms are told it left. False when no such socket is on this node.
     */
    public boolean disconnect(String socketId) {
        LocalSocket socket = sockets.byId(socketId);
        if (socket == null) {
            return false;
        }
        metrics.closing(socket.engineSession(), SignalingMetrics.CloseReason.SERVER);
        socket.kick();
        return true;
    }

    /** Number of sockets connected to this node (held ones included). */
    public int connectedSockets() {
        return sockets.size();
    }

    /** What the drain does to one socket: its output goes to its session's log, then its transport is closed. */
    private void dropForDrain(LocalSocket socket) {
        recovery.divertBeforeDrop(socket);
        socket.closeTransport();
    }

    /** The sockets whose transport is still up (not held for a recovery). */
    private List<LocalSocket> liveSockets() {
        return sockets.all().stream().filter(socket -> !socket.isHeld() && !socket.hasMovedAway()).toList();
    }

    /**
     * The graceful stop (what SIGTERM does): not ready at once, but everything keeps being served,
     * new handshakes included, for {@link ShutdownConfig#readyDelay()} while load balancers stop
     * routing here; then the sockets' transports are closed in waves over
     * {@link ShutdownConfig#drain()} ({@link Drain}), so that clients reconnect to another node;
     * then {@link #close()}. Blocks until the node is closed.
     */
    public void shutdown() {
        if (closed.get() || !stopping.compareAndSet(false, true)) {
            return;
        }
        ShutdownConfig timings = config.shutdown();
        log.info("node {} stopping: not ready; serving {} ms more, then draining {} sockets over {} ms",
                config.nodeId(), timings.readyDelay().toMillis(), sockets.size(), timings.drain().toMillis());
        try {
            TimeUnit.MILLISECONDS.sleep(timings.readyDelay().toMillis());
            // A closed transport is an abrupt drop: the socket is held for its recovery (on any
            // node) and is no longer the drain's; close() hands what is still held over.
            int drained = new Drain<>(this::liveSockets, this::dropForDrain, timings.drain()).run();
            // The last wave's clients are still closing their transports: what they wrote before
            // they read the request to close comes in until then.
            TransportChannels.awaitAnswers();
            log.info("node {} drained: {} transports closed, {} sockets left", config.nodeId(), drained, sockets.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(recovery.enabled());
    }

    /**
     * Stops at once: rooms of the sockets still connected here are told they left, and the lease is
     * given back. Sockets held for a recovery (their transport dropped, a drain closed it) are not
     * announced: the node ends its lease with them still registered, so a survivor reaps them as a
     * dead node's, after the departure grace and only if they did not come back meanwhile.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * {@link #close()}; {@code drained} after a drain with recovery on, whose last drops may still
     * be on their way to being held: the lease is then ended rather than given back in any case.
     */
    private void stop(boolean drained) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        leaveAllRooms();
        recoveryTimers.shutdownNow();
        server.close();
        stopListening();
        boolean handOver = drained || sockets.all().stream().anyMatch(LocalSocket::isHeld);
        if (handOver) {
            log.info("node {} hands {} held sockets over to the survivors", config.nodeId(),
                    sockets.all().stream().filter(LocalSocket::isHeld).count());
        }
        maintenance.close(handOver);
        management.close();
        watchdog.close();
        metrics.close();
        log.info("node {} stopped", config.nodeId());
    }

    /**
     * Tells every room of every socket still connected here that it left, so peers tear down before
     * the node goes (a socket held for a recovery is not gone yet).
     */
    /**
     * Stops taking messages from the bus: from then on a relay for one of its held sockets finds
     * nobody here, and its sender keeps it in the socket's session log (or sends it on to where the
     * session went); what did reach this node is kept the same way before it lets go of the
     * shared state. Without this, what arrives while the node closes would be lost.
     */
    private void stopListening() {
        try {
            backend.bus().stopListening().toCompletableFuture().get(LISTEN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("could not stop listening on the bus: {}", e.toString());
        }
        recovery.awaitKept(LISTEN_STOP_WAIT);
    }

    private void leaveAllRooms() {
        List<CompletableFuture<Void>> departures = new ArrayList<>();
        for (LocalSocket socket : liveSockets()) {
            // Announced now: the disconnect that follows when the server closes is not a drop.
            socket.leavingCleanly();
            metrics.leaves(SignalingMetrics.LeaveCause.SHUTDOWN, socket.rooms().size());
            departures.add(socket.submit(() -> depart(socket)).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(departures.toArray(CompletableFuture[]::new)).get(DEPARTURES_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("not every room was told of the shutdown: {}", e.toString());
        }
    }

    /**
     * Runs a node configured from the environment until the JVM is asked to stop. A bad setting
     * stops it at once; a cluster backend that cannot be reached yet (Redis not up) is retried with
     * back-off while the management port answers {@code /health} 200 and {@code /ready} 503, so
     * the process neither exits nor takes sockets until it can serve them.
     *
     * @return the process exit code: 2 for a bad setting, 1 when the node cannot start
     */
    static int run() throws InterruptedException {
        Logger startup = LoggerFactory.getLogger(STARTUP_LOGGER);
        NodeConfig config;
        RoomMetricsConfig roomMetrics;
        ClusterConfig clusterConfig;
        try {
            config = ConfigLoader.fromEnvironment();
            roomMetrics = RoomMetricsConfig.from(System.getenv());
            clusterConfig = new ClusterConfig(config.nodeId(), config.redisUrl(), config.keyPrefix(),
                    config.heartbeat(), config.lease());
        } catch (ConfigException | IllegalArgumentException e) {
            startup.error("invalid configuration: {}", e.getMessage());
            return 2;
        }
        nameNodeInLogs(config.nodeId());
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ClusterBackend backend;
        try {
            backend = connect(config, clusterConfig, stopped, startup);
        } catch (ConfigException | IllegalArgumentException e) {
            startup.error("invalid configuration: {}", e.getMessage());
            return 2;
        }
        if (backend == null) {
            return 0;
        }
        SignalingNode node;
        try {
            node = start(config, backend, Extensions.NONE, roomMetrics);
        } catch (Exception e) {
            // RuntimeException, or a checked exception thrown undeclared (a port already in use).
            startup.error("node failed to start: {}", e.toString());
            backend.close();
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        // SIGTERM (a pod being stopped) and SIGINT: the graceful stop. The JVM would then exit
        // with 143 (or 130) whatever happens; a stop that went through exits 0 instead.
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                node.shutdown();
                backend.close();
                closed.countDown();
                log.info("node {} exits", config.nodeId());
                Runtime.getRuntime().halt(0);
            }, "shutdown"));
        } catch (IllegalStateException e) {
            stopping.set(true); // the JVM is already shutting down
        }
        if (stopping.get()) {
            node.shutdown();
            backend.close();
            return 0;
        }
        closed.await();
        return 0;
    }

    /** Name of the logger for start-up failures (one event on stderr, in the configured format). */
    static final String STARTUP_LOGGER = "io.rtcio.node.startup";
    /** First wait before retrying an unreachable cluster backend; doubles up to {@link #CONNECT_RETRY_MAX}. */
    static final Duration CONNECT_RETRY_FIRST = Duration.ofSeconds(1);
    static final Duration CONNECT_RETRY_MAX = Duration.ofSeconds(30);

    /**
     * Opens the cluster backend, retrying with back-off while it cannot be reached; meanwhile a
     * stand-in management server says "not ready". Null when the process was asked to stop first.
     */
    private static ClusterBackend connect(NodeConfig config, ClusterConfig clusterConfig, CountDownLatch stopped,
                                          Logger startup) throws InterruptedException {
        Duration wait = CONNECT_RETRY_FIRST;
        SignalingMetrics waiting = null;
        ManagementServer standIn = null;
        try {
            while (true) {
                try {
                    return ClusterBackend.create(clusterConfig);
                } catch (ConfigException | IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (standIn == null) {
                        waiting = new SignalingMetrics(config.nodeId());
                        waiting.gauge("signaling.ready", "1 while the node takes new sockets (what /ready answers), else 0",
                                config, unused -> 0);
                        SignalingMetrics exposed = waiting;
                        standIn = new ManagementServer(config.host(), config.managementPort(), new ManagementRoutes(
                                ManagementRoutes.Check::ok, () -> ManagementRoutes.Check.failing("waiting for the cluster state"),
                                exposed::scrape));
                        standIn.start();
                    }
                    waiting.heartbeatFailed();
                    startup.warn("cluster state unreachable at start-up, retrying in {} s: {}", wait.toSeconds(),
                            e.getMessage());
                }
                if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                wait = wait.multipliedBy(2).compareTo(CONNECT_RETRY_MAX) > 0 ? CONNECT_RETRY_MAX : wait.multipliedBy(2);
            }
        } finally {
            if (standIn != null) {
                standIn.close();
            }
            if (waiting != null) {
                waiting.close();
            }
        }
    }

    /** Puts the node id on every log line from now on (see the logback configurations). */
    private static void nameNodeInLogs(String nodeId) {
        System.setProperty(JsonLineEncoder.NODE_PROPERTY, nodeId);
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.putProperty(JsonLineEncoder.NODE_PROPERTY, nodeId);
        }
    }
}
