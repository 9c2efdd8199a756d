package io.rtcio.node.transport;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.session.LocalSocket;
import io.rtcio.node.session.SocketRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The socket.io server of one node: the only place netty-socketio's {@link Configuration} is
 * built. Settings follow research/netty-socketio.md §2: random session ids (no fixation), socket.io's
 * ping 25 s / timeout 20 s, no WebSocket compression (the frame limit then bounds real sizes, and
 * it is 3.5× faster), manual acks (handlers may answer asynchronously), no version header.
 */
public final class SignalingServer implements AutoCloseable {

    private final SocketIOServer server;
    private final EventRouter router;
    private final ScheduledExecutorService scheduler;

    public SignalingServer(NodeConfig config, SocketRegistry sockets, SignalingMetrics metrics) {
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
        settings.setJsonSupport(new RtcioJsonSupport(session -> {
            LocalSocket socket = sockets.byEngineSession(session);
            return socket == null ? null : socket.id();
        }));
        settings.setAuthorizationListener(new OriginPolicy(config.allowedOrigins()));
        settings.setExceptionListener(new QuietExceptionListener());
        settings.getSocketConfig().setTcpNoDelay(true);
        settings.getSocketConfig().setReuseAddress(true);

        server = new SocketIOServer(settings);
        router = new EventRouter(server.getNamespace(Namespace.DEFAULT_NAME), sockets, metrics, config.nodeId());
        server.setPipelineFactory(new GuardedChannelInitializer(
                new PacketGuard(config.maxEventBytes(), router::knows, metrics::error)));
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "upgrade-noop");
            thread.setDaemon(true);
            return thread;
        });
        server.addPingListener(new UpgradeNoopFix(scheduler));
    }

    /** The default namespace's router; register handlers before {@link #start}. */
    public EventRouter router() {
        return router;
    }

    /** Binds the port; throws when it cannot. */
    public void start() {
        try {
            server.startAsync().syncUninterruptibly();
        } catch (RuntimeException e) {
            server.stop();
            throw new IllegalStateException("cannot listen on port " + server.getConfiguration().getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        server.stop();
    }
}
