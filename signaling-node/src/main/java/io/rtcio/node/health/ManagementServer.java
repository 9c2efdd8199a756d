package io.rtcio.node.health;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The management port: {@code /health} (liveness), {@code /ready} (readiness) and {@code /metrics}
 * (Prometheus text format), see {@link ManagementRoutes}.
 *
 * <p>No client can wedge it: it runs on its own non-blocking event loop, so a connection that
 * sends half a request and stalls costs one idle channel, never a thread; such a connection is
 * closed after {@link #REQUEST_TIMEOUT}, an idle keep-alive one after {@link #IDLE_TIMEOUT}, and
 * at most {@link #MAX_CONNECTIONS} are open at once (more are closed on accept). Requests are
 * small and bounded ({@link #MAX_REQUEST_BYTES}); every answer is computed from in-memory state.
 */
public final class ManagementServer implements AutoCloseable {

    /** A request must arrive whole within this time after its connection went quiet. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** A keep-alive connection with no request in flight is closed after this time. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Open connections at most (probes and scrapers need a handful). */
    public static final int MAX_CONNECTIONS = 256;
    /** Request line plus headers plus body, at most. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final EventLoopGroup group;
    private final ServerBootstrap bootstrap;
    private final String host;
    private final int requestedPort;
    private final AtomicInteger open = new AtomicInteger();
    private volatile Channel listener;

    /**
     * A server for {@code routes} on {@code host:port} (0 picks a free port); it listens from
     * {@link #start()} on.
     */
    public ManagementServer(String host, int port, ManagementRoutes routes) {
        this(host, port, routes, REQUEST_TIMEOUT);
    }

    ManagementServer(String host, int port, ManagementRoutes routes, Duration requestTimeout) {
        this.host = host;
        this.requestedPort = port;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("management-http", true),
                NioIoHandler.newFactory());
        this.bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (open.incrementAndGet() > MAX_CONNECTIONS) {
                            open.decrementAndGet();
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(done -> open.decrementAndGet());
                        channel.pipeline()
                                .addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new RequestDeadline(requestTimeout))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new ManagementHandler(routes));
                    }
                });
    }

    /** Binds the port; throws when it cannot. */
    public void start() {
        try {
            listener = bootstrap.bind(new InetSocketAddress(host, requestedPort)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot listen on management port " + requestedPort + ": "
                    + e.getMessage(), e);
        }
    }

    /** The bound port. */
    public int port() {
        Channel bound = listener;
        if (bound == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) bound.localAddress()).getPort();
    }

    /** Connections open right now. */
    int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        Channel bound = listener;
        if (bound != null) {
            bound.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
