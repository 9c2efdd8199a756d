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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.rtcio.node.recovery.SessionRecovery;
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

    private final NodeConfig config;
    private final ClusterBackend backend;
    private final SocketRegistry sockets = new SocketRegistry();
    private final SignalingMetrics metrics;
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

    private SignalingNode(NodeConfig config, ClusterBackend backend, Extensions extensions) {
        this.config = config;
        this.backend = backend;
        this.metrics = new SignalingMetrics(config.nodeId());
        metrics.bindGauges(sockets::size, sockets::roomCount);

        Relay relay = new Relay(sockets, backend.bus(), metrics);
        MembershipAnnouncer announcer = new MembershipAnnouncer(sockets, backend.bus());
        relay.onInternalEvent(MembershipAnnouncer.BUS_EVENT, announcer::onBusMessage);
        rooms = new RoomService(backend.rooms(), backend.bus(), sockets, announcer, extensions.roomAccessPolicy() != null
                ? extensions.roomAccessPolicy() : RoomAccessPolicies.fromConfig(config.security()), config.maxPeers(),
                config.security().sessionLimits().maxRoomsPerSocket());
        MediaHandlers media = new MediaHandlers(backend.mediaStates(), relay);
        Clock clock = Clock.systemUTC();

        maintenance = new ClusterMaintenance(config.nodeId(), config.heartbeat(), config.lease(), backend.presence(),
                rooms, sockets);
        server = new SignalingServer(config, sockets, metrics, extensions.authenticator() != null
                ? extensions.authenticator() : Authenticators.fromConfig(config.security()), extensions.taps());
        RelayPolicy relayPolicy = RelayPolicy.forScope(config.security().relayScope(), config.nodeId(), sockets,
                backend.rooms(), backend.presence());
        relay.guardDeliveries(relayPolicy::mayDeliver);
        RtcioMessageHandler relayHandler = new RtcioMessageHandler(relay, metrics, relayPolicy);
        IceHandler ice = new IceHandler(config.turn(), clock);
        recovery = new SessionRecovery(config.recovery(), config.nodeId(), backend.sessions(), sockets, rooms,
                backend.presence(), backend.mediaStates(), backend.bus(), recoveryTimers);
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
                        return backend.presence().register(socket.id(), config.nodeId())
                                .thenCompose(ok -> recovery.opened(socket));
                    },
                    socket -> recovery.disconnected(socket, this::depart));
            router.on(Events.RTCIO_MESSAGE, relayHandler);
            router.on(Events.JOIN_ROOM, rooms.joinHandler());
            router.on(Events.CHECK_ROOM, rooms.checkHandler());
            router.on(Events.LEAVE_ROOM, rooms.leaveHandler());
            router.on(Events.MEDIA_STATE, media.mediaState());
            router.on(Events.STOP_SCREEN_SHARE, media.stopScreenShare());
            router.on(Events.CHAT_MESSAGE, new ChatHandler(relay, clock));
            router.on(Events.ASK_ICE, ice);
        }
        extensions.events().forEach(server::on);

        management = new ManagementServer(config.host(), config.managementPort(),
                new ManagementRoutes(this::liveness, this::readiness, metrics::scrape));
    }

    /** Leaves every room of a socket that is gone (announced to each), then its directory entry. */
    private CompletionStage<Void> depart(LocalSocket socket) {
        return rooms.leaveAll(socket).thenCompose(ok -> backend.presence().unregister(socket.id()))
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
        }
        if (channel.parent() != null && channel.parent().eventLoop().parent() != null) {
            watchdog.watch(channel.parent().eventLoop().parent());
        }
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
        SignalingNode node = new SignalingNode(config, backend, extensions);
        try {
            node.management.start();
            node.maintenance.start();
            node.server.start();
        } catch (RuntimeException e) {
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
        boolean handOver = drained || sockets.all().stream().anyMatch(LocalSocket::isHeld);
        if (handOver) {
            log.info("node {} hands {} held sockets over to the survivors", config.nodeId(),
                    sockets.all().stream().filter(LocalSocket::isHeld).count());
        }
        maintenance.close(handOver);
        management.close();
        watchdog.close();
        log.info("node {} stopped", config.nodeId());
    }

    /**
     * Tells every room of every socket still connected here that it left, so peers tear down before
     * the node goes (a socket held for a recovery is not gone yet).
     */
    private void leaveAllRooms() {
        List<CompletableFuture<Void>> departures = new ArrayList<>();
        for (LocalSocket socket : liveSockets()) {
            // Announced now: the disconnect that follows when the server closes is not a drop.
            socket.leavingCleanly();
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
     * Runs a node configured from the environment until the JVM is asked to stop.
     *
     * @return the process exit code: 2 for a bad setting, 1 when the node cannot start
     */
    static int run() throws InterruptedException {
        NodeConfig config;
        ClusterBackend backend;
        try {
            config = ConfigLoader.fromEnvironment();
            backend = ClusterBackend.create(new ClusterConfig(config.nodeId(), config.redisUrl(), config.keyPrefix(),
                    config.heartbeat(), config.lease()));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            return 2;
        }
        SignalingNode node;
        try {
            node = start(config, backend);
        } catch (RuntimeException e) {
            log.error("node failed to start: {}", e.getMessage());
            backend.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (a pod being stopped) and SIGINT: the graceful stop. The JVM would then exit
        // with 143 (or 130) whatever happens; a stop that went through exits 0 instead.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.shutdown();
            backend.close();
            stopped.countDown();
            log.info("node {} exits", config.nodeId());
            Runtime.getRuntime().halt(0);
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
