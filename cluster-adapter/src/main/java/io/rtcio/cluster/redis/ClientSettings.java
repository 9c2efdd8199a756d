package io.rtcio.cluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How every Lettuce client of the backend behaves, whatever the topology:
 * <ul>
 *   <li>it reconnects by itself (auto-reconnect, re-subscribing its channels), retrying after
 *       {@link #MIN_RECONNECT_DELAY}, doubling up to {@link #MAX_RECONNECT_DELAY};</li>
 *   <li>a command that gets no reply within {@link #COMMAND_TIMEOUT} fails, and at most
 *       {@link #REQUEST_QUEUE_SIZE} commands wait on one connection (more fail at once): callers
 *       see failures within seconds, and memory stays bounded while Redis is away;</li>
 *   <li>on one server or Sentinel, commands are rejected at once while disconnected. On Redis
 *       Cluster they wait (at most the timeout) instead, because Lettuce's cluster writer would also
 *       reject every command sent to a node whose connection is still opening: the first command
 *       to each node, and each command right after a Cluster failover.</li>
 * </ul>
 */
final class ClientSettings {

    /** How long a command may wait for its reply. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** How long opening a TCP connection may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(50);
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
    static final int REQUEST_QUEUE_SIZE = 65_536;
    /** How long closing may wait for Lettuce's threads to stop. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private ClientSettings() {
    }

    /** New event loops and timers for one backend; the backend shuts them down when it closes. */
    static ClientResources resources() {
        return ClientResources.builder()
                .reconnectDelay(Delay.exponential(MIN_RECONNECT_DELAY, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    static ClientOptions clientOptions() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(socketOptions())
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .build();
    }

    /**
     * Like {@link #clientOptions()} but accepting commands while a node is disconnected. (Lettuce 7
     * refreshes the cluster topology on redirects and repeated reconnects by default.)
     */
    static ClusterClientOptions clusterOptions() {
        return ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(socketOptions())
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .build();
    }

    /** {@code uri} with the command timeout set (connect and commands of the initial handshake). */
    static RedisURI withTimeout(RedisURI uri) {
        uri.setTimeout(COMMAND_TIMEOUT);
        return uri;
    }

    private static SocketOptions socketOptions() {
        return SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
    }
}
