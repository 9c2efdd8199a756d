package io.rtcio.node.config;

import java.time.Duration;
import java.util.List;

/**
 * Everything a node needs to start. Built by {@link ConfigLoader} from environment variables;
 * every value here has been validated.
 *
 * @param host            address the public socket.io port binds to
 * @param port            public socket.io port ({@code PORT})
 * @param managementPort  health, readiness and metrics port ({@code MANAGEMENT_PORT})
 * @param nodeId          this node's id in the cluster ({@code NODE_ID})
 * @param allowedOrigins  browser origins allowed to connect; {@code ["*"]} allows any ({@code ALLOWED_ORIGINS})
 * @param maxPeers        members per room ({@code MAX_PEERS})
 * @param turn            TURN credential settings
 * @param redisUrl        Redis to share state through, or null for the embedded backend ({@code REDIS_URL})
 * @param keyPrefix       prefix of Redis keys and channels ({@code REDIS_KEY_PREFIX})
 * @param jsonLogs        JSON log lines instead of text ({@code LOG_FORMAT=json})
 * @param pingInterval    Engine.IO ping interval ({@code PING_INTERVAL_MS})
 * @param pingTimeout     Engine.IO ping timeout ({@code PING_TIMEOUT_MS})
 * @param maxEventBytes   largest single event accepted; larger ones get {@code payload-too-large} ({@code MAX_EVENT_BYTES})
 * @param maxFrameBytes   largest WebSocket frame or polling body; larger ones close the transport ({@code MAX_FRAME_BYTES})
 * @param heartbeat       how often the node renews its cluster lease ({@code CLUSTER_HEARTBEAT_MS})
 * @param lease           how long a lease lasts; a node silent for longer is reaped ({@code CLUSTER_LEASE_MS})
 * @param security        authentication, room access, rate limits, relay policy
 * @param namespaces      extra socket.io namespaces besides {@code /} ({@code NAMESPACES})
 * @param shutdown        readiness delay and drain window of a graceful stop ({@code SHUTDOWN_*})
 * @param recovery        connection-state recovery and the grace before departures
 * @param ioThreads       socket.io event-loop threads ({@code IO_THREADS}; default: one per available CPU)
 */
public record NodeConfig(
        String host,
        int port,
        int managementPort,
        String nodeId,
        List<String> allowedOrigins,
        int maxPeers,
        TurnConfig turn,
        String redisUrl,
        String keyPrefix,
        boolean jsonLogs,
        Duration pingInterval,
        Duration pingTimeout,
        int maxEventBytes,
        int maxFrameBytes,
        Duration heartbeat,
        Duration lease,
        SecurityConfig security,
        List<NamespaceConfig> namespaces,
        ShutdownConfig shutdown,
        RecoveryConfig recovery,
        int ioThreads) {

    public static final int DEFAULT_PORT = 3001;
    public static final int DEFAULT_MANAGEMENT_PORT = 8081;
    public static final int DEFAULT_MAX_PEERS = 8;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

    public NodeConfig {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        namespaces = List.copyOf(namespaces);
    }

    /** Whether any origin may connect. */
    public boolean anyOrigin() {
        return allowedOrigins.contains("*");
    }

    /** A copy listening on other ports (tests run several nodes in one JVM). */
    public NodeConfig withPorts(int newPort, int newManagementPort) {
        return new NodeConfig(host, newPort, newManagementPort, nodeId, allowedOrigins, maxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                security, namespaces, shutdown, recovery, ioThreads);
    }

    /** A copy with another node id. */
    public NodeConfig withNodeId(String newNodeId) {
        return new NodeConfig(host, port, managementPort, newNodeId, allowedOrigins, maxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                security, namespaces, shutdown, recovery, ioThreads);
    }

    /** A copy with another room limit. */
    public NodeConfig withMaxPeers(int newMaxPeers) {
        return new NodeConfig(host, port, managementPort, nodeId, allowedOrigins, newMaxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                security, namespaces, shutdown, recovery, ioThreads);
    }

    /** A copy with other security settings (embedding applications and tests). */
    public NodeConfig withSecurity(SecurityConfig newSecurity) {
        return new NodeConfig(host, port, managementPort, nodeId, allowedOrigins, maxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                newSecurity, namespaces, shutdown, recovery, ioThreads);
    }

    /** A copy with other recovery settings (tests). */
    public NodeConfig withRecovery(RecoveryConfig newRecovery) {
        return new NodeConfig(host, port, managementPort, nodeId, allowedOrigins, maxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                security, namespaces, shutdown, newRecovery, ioThreads);
    }

    /**
     * Connection-state recovery (see docs/recovery.md).
     *
     * @param window how long a dropped session can be recovered ({@code RECOVERY_WINDOW_MS}); zero = off
     * @param grace  how long the departure of an abruptly dropped socket waits for it
     *               ({@code DEPARTURE_GRACE_MS}); at most {@code window}
     */
    public record RecoveryConfig(Duration window, Duration grace) {

        public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);
        public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
        public static final RecoveryConfig OFF = new RecoveryConfig(Duration.ZERO, Duration.ZERO);

        public RecoveryConfig {
            if (window.isNegative() || grace.isNegative() || (!window.isZero() && grace.compareTo(window) > 0)) {
                throw new IllegalArgumentException("the departure grace must be between 0 and the recovery window");
            }
        }

        /** Whether sessions are recoverable at all. */
        public boolean enabled() {
            return !window.isZero();
        }
    }

    /** A copy with other shutdown timings (tests). */
    public NodeConfig withShutdown(ShutdownConfig newShutdown) {
        return new NodeConfig(host, port, managementPort, nodeId, allowedOrigins, maxPeers, turn, redisUrl,
                keyPrefix, jsonLogs, pingInterval, pingTimeout, maxEventBytes, maxFrameBytes, heartbeat, lease,
                security, namespaces, newShutdown, recovery, ioThreads);
    }

    /**
     * TURN credential vending (coturn REST API).
     *
     * @param secret    shared secret with coturn ({@code TURN_SECRET}); null = STUN only
     * @param host      TURN/STUN host name ({@code TURN_HOST}); null = no servers offered
     * @param ttl       credential lifetime ({@code TURN_TTL}, seconds)
     * @param port      STUN/TURN port over UDP and TCP ({@code TURN_PORT})
     * @param tlsPort   TURN over TLS port ({@code TURNS_PORT})
     */
    public record TurnConfig(String secret, String host, Duration ttl, int port, int tlsPort) {

        public static final Duration DEFAULT_TTL = Duration.ofSeconds(600);
        public static final int DEFAULT_PORT = 3478;
        public static final int DEFAULT_TLS_PORT = 5349;

        @Override
        public String toString() {
            return "TurnConfig[secret=" + (secret == null ? "none" : "***") + ", host=" + host + ", ttl=" + ttl
                    + ", port=" + port + ", tlsPort=" + tlsPort + "]";
        }
    }
}
