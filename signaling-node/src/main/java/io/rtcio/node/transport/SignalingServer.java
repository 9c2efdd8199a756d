package io.rtcio.node.transport;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import io.rtcio.node.auth.Authenticator;
import io.rtcio.node.config.NamespaceConfig;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.extension.CustomEvent;
import io.rtcio.node.extension.EventTap;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.ratelimit.RateLimiter;
import io.rtcio.node.recovery.SessionRecovery;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import io.netty.channel.EventLoopGroup;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket.io server of one node: the only place netty-socketio's {@link Configuration} is
 * built. Settings: random session ids (no fixation), socket.io's
 * ping 25 s / timeout 20 s, no WebSocket compression (the frame limit then bounds real sizes, and
 * it is 3.5× faster), manual acks (handlers may answer asynchronously), no version header, and
 * netty-socketio's CORS off in favour of {@link CorsHandler}.
 *
 * <p>One {@link EventRouter} per namespace: {@code /} and the extra rtc.io namespaces share the
 * node's socket registry (one room space); each plain namespace has a registry of its own. A
 * session's public id is the same in every namespace.
 */
public final class SignalingServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);
    /** Part of the node's stop budget (see {@code ShutdownConfig#STOP_BUDGET}). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    private final SocketIOServer server;
    private final Map<String, EventRouter> routers = new LinkedHashMap<>();
    private final List<EventRouter> rtcioRouters = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final PacketGuard guard;
    private final SessionSweep sweep;
    private final RateLimiter limiter;

    public SignalingServer(NodeConfig config, SocketRegistry sockets, SignalingMetrics metrics,
                           Authenticator authenticator, List<EventTap> taps) {
        Configuration settings = new Configuration();
        settings.setHostname(config.host());
        settings.setPort(config.port());
        settings.setContext("/socket.io");
        settings.setTransports(Transport.POLLING, Transport.WEBSOCKET);
        settings.setRandomSession(true);
        settings.setPingInterval((int) config.pingInterval().toMillis());
        settings.setPingTimeout((int) config.pingTimeout().toMillis());
        settings.setUpgradeTimeout(10_000);
        settings.setWebsocketCompression(false);
        settings.setMaxFramePayloadLength(config.maxFrameBytes());
        settings.setMaxHttpContentLength(config.maxFrameBytes());
        settings.setAckMode(AckMode.MANUAL);
        settings.setAddVersionHeader(false);
        settings.setEnableCors(false);
        settings.setJsonSupport(new RtcioJsonSupport(session -> connectReply(sockets, session)));
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        settings.setAuthorizationListener(origins);
        settings.setExceptionListener(new QuietExceptionListener());
        // One acceptor thread is plenty (Netty's default is two per CPU). One worker per CPU, not
        // Netty's two: a relay between sockets on different event loops costs a task hand-off and a
        // wake-up of the other loop, and more loops than CPUs only add such wake-ups (measured in
        // docs/performance.md, "Event loops"). NIO, not the native epoll transport: its gain was
        // within noise, and its bind failure is not a BindException an operator recognises.
        settings.setBossThreads(1);
        settings.setWorkerThreads(config.ioThreads());
        settings.getSocketConfig().setTcpNoDelay(true);
        settings.getSocketConfig().setReuseAddress(true);

        server = new SocketIOServer(settings);
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "transport-timers");
            thread.setDaemon(true);
            return thread;
        });
        // A slow reader's close is counted under its own reason when its socket reports gone.
        Consumer<LocalSocket> slowReader =
                socket -> metrics.closing(socket.engineSession(), SignalingMetrics.CloseReason.SLOW_READER);
        sockets.onSlowReader(slowReader);
        ConnectGate gate = new ConnectGate(authenticator, sockets.sessionIds(), scheduler, metrics);
        RateLimiter limiter = new RateLimiter(config.security().rateLimit(), System::nanoTime);
        EventRouter main = new EventRouter(server.getNamespace(Namespace.DEFAULT_NAME), sockets, metrics,
                config.nodeId(), gate, limiter, scheduler);
        routers.put(main.namespace(), main);
        rtcioRouters.add(main);
        for (NamespaceConfig extra : config.namespaces()) {
            SocketRegistry registry = extra.rtcio() ? sockets : new SocketRegistry(sockets.sessionIds());
            registry.onSlowReader(slowReader);
            EventRouter router = new EventRouter(server.addNamespace(extra.name()), registry, metrics, config.nodeId(), gate, limiter, scheduler);
            routers.put(router.namespace(), router);
            if (extra.rtcio()) {
                rtcioRouters.add(router);
            }
        }
        guard = new PacketGuard(config.maxEventBytes(), routers::get, limiter, new EdgeTaps(taps), metrics,
                new UpgradeNoopFix(scheduler));
        stopDiscardedInitializer(server);
        server.setPipelineFactory(new GuardedChannelInitializer(new CorsHandler(origins, () -> metrics.httpRefused(SignalingMetrics.HttpRefusal.ORIGIN)), guard, limiter));
        this.limiter = limiter;
        // netty-socketio reports every session to the default namespace when its transport binds.
        server.getNamespace(Namespace.DEFAULT_NAME).addConnectListener(client -> {
            if (guard.alive(client.getSessionId())) {
                guard.opened(client.getSessionId());
            }
        });
        sweep = new SessionSweep(guard, routers.values(), limiter, config.security().sessionLimits().connectTimeout());
    }

    /** {@code {sid, pid?}}: the public id, and the private id of a recoverable rtc.io socket. */
    private static Map<String, Object> connectReply(SocketRegistry sockets, java.util.UUID session) {
        String publicId = sockets.sessionIds().publicId(session);
        if (publicId == null) {
            return null;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("sid", publicId);
        LocalSocket socket = sockets.byEngineSession(session);
        if (socket != null && socket.privateId() != null) {
            reply.put("pid", socket.privateId());
        }
        return reply;
    }

    /**
     * Makes the rtc.io namespaces' sockets recoverable (before {@link #start}): {@code recovered}
     * runs for a socket whose session a CONNECT claimed back, instead of the admission hook.
     */
    public void recovery(SessionRecovery recovery,
                         java.util.function.BiFunction<LocalSocket, SessionRecovery.Ticket, java.util.concurrent.CompletionStage<?>> recovered) {
        for (EventRouter router : rtcioRouters) {
            router.recovery(recovery, recovered, guard.departures());
        }
    }

    /** The default namespace's router; register handlers before {@link #start}. */
    public EventRouter router() {
        return routers.get("/");
    }

    /** The router of {@code namespace} ({@code /} for the default one), or null when it is not served. */
    public EventRouter router(String namespace) {
        return routers.get(namespace);
    }

    /** Every namespace's router, the default one first. */
    public List<EventRouter> routers() {
        return List.copyOf(routers.values());
    }

    /** The routers of the namespaces that carry the rtc.io protocol, the default one first. */
    public List<EventRouter> rtcioRouters() {
        return List.copyOf(rtcioRouters);
    }

    /** Routes a custom event on its namespace, or on every namespace when it names none. */
    public void on(CustomEvent event) {
        if (event.namespace() == null) {
            routers.values().forEach(router -> router.on(event.name(), event.handler()));
            return;
        }
        EventRouter router = routers.get(event.namespace());
        if (router == null) {
            throw new IllegalArgumentException("custom event '" + event.name() + "' is for namespace "
                    + event.namespace() + ", which is not served (see NAMESPACES)");
        }
        router.on(event.name(), event.handler());
    }

    /**
     * Per-session state the transport holds (sessions seen by the edge, their connections, their
     * rate-limit state): returns to its baseline when the sessions end. For leak tests.
     */
    public int sessionStates() {
        return guard.sessions().size() + TransportChannels.count() + limiter.trackedSessions();
    }

    /** Binds the port; throws when it cannot. */
    public void start() {
        try {
            server.startAsync().syncUninterruptibly();
            scheduler.scheduleWithFixedDelay(sweep, sweep.period().toMillis(), sweep.period().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            server.stop();
            throw new IllegalStateException("cannot listen on port " + server.getConfiguration().getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * netty-socketio builds a default channel initializer, with a timer of its own, when the server
     * is constructed; {@code setPipelineFactory} discards it unstarted, so nothing would ever stop
     * that timer (Netty reports it as a leak). There is no accessor, hence reflection.
     */
    private static void stopDiscardedInitializer(SocketIOServer server) {
        try {
            Field factory = SocketIOServer.class.getDeclaredField("pipelineFactory");
            factory.setAccessible(true);
            Field scheduler = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            scheduler.setAccessible(true);
            ((CancelableScheduler) scheduler.get(factory.get(server))).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A netty-socketio without these fields: at worst a timer thread is left to the GC.
        }
    }

    /**
     * netty-socketio stops its two event loop groups one after the other with Netty's default
     * 2 s quiet period each: 4 s of a shutdown spent waiting for tasks that will not come (the
     * node has closed its sockets by then). Started here without one, they end at once, and the
     * server's own stop finds them stopping. No accessor, hence reflection.
     */
    private static void skipQuietPeriods(SocketIOServer server) {
        for (String name : List.of("bossGroup", "workerGroup")) {
            try {
                Field field = SocketIOServer.class.getDeclaredField(name);
                field.setAccessible(true);
                Object group = field.get(server);
                if (group instanceof EventLoopGroup loops) {
                    loops.shutdownGracefully(0, STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A netty-socketio without these fields: its own stop takes the quiet periods.
            }
        }
    }

    /**
     * Stops the server. netty-socketio waits for its event loops without a bound; one that is
     * stuck would hold the process forever, so the wait here is bounded and the loops are left to
     * the process exit.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        skipQuietPeriods(server);
        Thread stopping = new Thread(server::stop, "socketio-stop");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            log.warn("the socket.io server did not stop within {} s; its event loops are left to the process exit",
                    STOP_WAIT.toSeconds());
        }
    }
}
