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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    private final NodeConfig config;
    private final ClusterBackend backend;
    private final SocketRegistry sockets = new SocketRegistry();
    private final SignalingMetrics metrics;
    private final SignalingServer server;
    private final ManagementServer management;
    private final ClusterMaintenance maintenance;
    private final EventLoopWatchdog watchdog = new EventLoopWatchdog();
    private final RoomService rooms;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SignalingNode(NodeConfig config, ClusterBackend backend, Extensions extensions) {
        this.config = config;
        this.backend = backend;
        this.metrics = new SignalingMetrics(config.nodeId());
        metrics.bindGauges(sockets::size, sockets::roomCount);

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
                rooms, sockets);
        server = new SignalingServer(config, sockets, metrics, extensions.authenticator() != null
                ? extensions.authenticator() : Authenticators.fromConfig(config.security()), extensions.taps());
        RelayPolicy relayPolicy = RelayPolicy.forScope(config.security().relayScope(), config.nodeId(), sockets,
                backend.rooms(), backend.presence());
        relay.guardDeliveries(relayPolicy::mayDeliver);
        RtcioMessageHandler relayHandler = new RtcioMessageHandler(relay, metrics, relayPolicy);
        IceHandler ice = new IceHandler(config.turn(), clock);
        for (EventRouter router : server.rtcioRouters()) {
            router.lifecycle(
                    socket -> {
                        watchTransportOf(socket);
                        return backend.presence().register(socket.id(), config.nodeId());
                    },
                    socket -> rooms.leaveAll(socket).thenCompose(ok -> backend.presence().unregister(socket.id()))
                            .exceptionally(error -> {
                                // Redis away: its directory entry goes with the next stale-socket sweep.
                                log.debug("socket {} left; its directory entry stays for now: {}", socket.id(), error.toString());
                                return null;
                            }));
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
        if (closed.get()) {
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

    /** Number of sockets connected to this node. */
    public int connectedSockets() {
        return sockets.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        leaveAllRooms();
        server.close();
        maintenance.close();
        management.close();
        watchdog.close();
        log.info("node {} stopped", config.nodeId());
    }

    /** Tells every room of every local socket that it left, so peers tear down before the node goes. */
    private void leaveAllRooms() {
        List<CompletableFuture<Void>> departures = new ArrayList<>();
        for (LocalSocket socket : sockets.all()) {
            departures.add(socket.submit(() -> rooms.leaveAll(socket)).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(departures.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            backend.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
