package io.rtcio.node.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@link NodeConfig} from environment variables: named defaults, then the environment,
 * then validation. Every problem is a {@link ConfigException} naming the variable.
 */
public final class ConfigLoader {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /**
     * Test-only: when {@code true}, the node never sends {@code #rtcio:peer-left}. The load tests
     * set it to prove that their protocol checks fail against a broken node. Off by default; never
     * set it in a deployment.
     */
    public static final String TEST_DROP_PEER_LEFT = "RTCIO_TEST_DROP_PEER_LEFT";

    private final Env env;

    private ConfigLoader(Map<String, String> env) {
        this.env = new Env(env);
    }

    /** Loads from the process environment. */
    public static NodeConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** The {@link #TEST_DROP_PEER_LEFT} switch; a value other than true/false is a {@link ConfigException}. */
    public static boolean testDropPeerLeft(Map<String, String> env) {
        return Boolean.TRUE.equals(new Env(env).bool(TEST_DROP_PEER_LEFT));
    }

    /** Loads from the given variables (tests pass their own map). */
    public static NodeConfig from(Map<String, String> env) {
        return new ConfigLoader(env).load();
    }

    private NodeConfig load() {
        env.bool(TEST_DROP_PEER_LEFT); // validated here, so a bad value stops the node at start-up
        int port = port("PORT", NodeConfig.DEFAULT_PORT);
        int managementPort = port("MANAGEMENT_PORT", NodeConfig.DEFAULT_MANAGEMENT_PORT);
        if (port == managementPort) {
            throw new ConfigException("MANAGEMENT_PORT", "must differ from PORT (both are " + port + ")");
        }
        String nodeId = nodeId();
        Duration pingInterval = Duration.ofMillis(integer("PING_INTERVAL_MS", 25_000, 1_000, 300_000));
        Duration pingTimeout = Duration.ofMillis(integer("PING_TIMEOUT_MS", 20_000, 1_000, 300_000));
        int maxEventBytes = integer("MAX_EVENT_BYTES", NodeConfig.DEFAULT_MAX_EVENT_BYTES, 1024, 64 * 1024 * 1024);
        int maxFrameBytes = integer("MAX_FRAME_BYTES", NodeConfig.DEFAULT_MAX_FRAME_BYTES, 1024, 256 * 1024 * 1024);
        if (maxFrameBytes < maxEventBytes) {
            throw new ConfigException("MAX_FRAME_BYTES", "must be at least MAX_EVENT_BYTES (" + maxEventBytes
                    + "), got " + maxFrameBytes);
        }
        int heartbeatMs = integer("CLUSTER_HEARTBEAT_MS", 2_000, 100, 60_000);
        int leaseMs = integer("CLUSTER_LEASE_MS", 6_000, 300, 600_000);
        if (leaseMs <= 2 * heartbeatMs) {
            throw new ConfigException("CLUSTER_LEASE_MS", "must be more than twice CLUSTER_HEARTBEAT_MS ("
                    + heartbeatMs + "), got " + leaseMs);
        }
        return new NodeConfig(
                string("BIND_ADDRESS", "0.0.0.0"),
                port,
                managementPort,
                nodeId,
                origins(),
                integer("MAX_PEERS", NodeConfig.DEFAULT_MAX_PEERS, 1, 1000),
                turn(),
                redisUrl(),
                keyPrefix(),
                logFormat(),
                pingInterval,
                pingTimeout,
                maxEventBytes,
                maxFrameBytes,
                Duration.ofMillis(heartbeatMs),
                Duration.ofMillis(leaseMs),
                new SecurityConfigLoader(env).load(),
                NamespaceConfig.parseList(raw("NAMESPACES")),
                shutdown(),
                recovery(),
                integer("IO_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256));
    }

    private ShutdownConfig shutdown() {
        int delayMs = integer("SHUTDOWN_READY_DELAY_MS", (int) ShutdownConfig.DEFAULT_READY_DELAY.toMillis(), 0, 120_000);
        int drainMs = integer("SHUTDOWN_DRAIN_MS", (int) ShutdownConfig.DEFAULT_DRAIN.toMillis(), 0, 3_600_000);
        return new ShutdownConfig(Duration.ofMillis(delayMs), Duration.ofMillis(drainMs));
    }

    private NodeConfig.RecoveryConfig recovery() {
        int window = integer("RECOVERY_WINDOW_MS", (int) NodeConfig.RecoveryConfig.DEFAULT_WINDOW.toMillis(), 0, 86_400_000);
        if (window == 0) {
            return NodeConfig.RecoveryConfig.OFF;
        }
        if (window < 1_000) {
            throw new ConfigException("RECOVERY_WINDOW_MS", "must be 0 (off) or at least 1000, got " + window);
        }
        int grace = integer("DEPARTURE_GRACE_MS",
                (int) Math.min(window, NodeConfig.RecoveryConfig.DEFAULT_GRACE.toMillis()), 0, 86_400_000);
        if (grace > window) {
            throw new ConfigException("DEPARTURE_GRACE_MS", "must be at most RECOVERY_WINDOW_MS (" + window
                    + "), got " + grace);
        }
        return new NodeConfig.RecoveryConfig(Duration.ofMillis(window), Duration.ofMillis(grace));
    }

    private String raw(String name) {
        return env.raw(name);
    }

    private String string(String name, String fallback) {
        return env.string(name, fallback);
    }

    private int integer(String name, int fallback, int min, int max) {
        return env.integer(name, fallback, min, max);
    }

    private int port(String name, int fallback) {
        return integer(name, fallback, 1, 65535);
    }

    private String nodeId() {
        String value = raw("NODE_ID");
        if (value == null) {
            value = hostName();
        }
        if (!NODE_ID.matcher(value).matches()) {
            throw new ConfigException("NODE_ID", "must be 1-64 characters of letters, digits, '.', '_' or '-', got '"
                    + value + "'");
        }
        return value;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException("NODE_ID", "is not set and the host name cannot be read: " + e.getMessage());
        }
    }

    private List<String> origins() {
        String value = raw("ALLOWED_ORIGINS");
        if (value == null) {
            return List.of();
        }
        List<String> origins = new ArrayList<>();
        for (String part : value.split(",")) {
            String origin = part.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals("*")) {
                validateOrigin(origin);
            }
            origins.add(origin);
        }
        if (origins.contains("*") && origins.size() > 1) {
            throw new ConfigException("ALLOWED_ORIGINS", "'*' allows every origin and cannot be combined with others");
        }
        return origins;
    }

    private static void validateOrigin(String origin) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ALLOWED_ORIGINS", "'" + origin + "' is not a valid origin");
        }
        boolean httpScheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        boolean bare = (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null;
        if (!httpScheme || uri.getHost() == null || !bare || origin.endsWith("/")) {
            throw new ConfigException("ALLOWED_ORIGINS", "'" + origin
                    + "' is not an origin; write scheme://host[:port], e.g. https://app.example.com");
        }
    }

    private NodeConfig.TurnConfig turn() {
        String secret = raw("TURN_SECRET");
        String host = raw("TURN_HOST");
        if (host != null && (host.contains("/") || host.contains(" "))) {
            throw new ConfigException("TURN_HOST", "must be a host name or address without scheme or path, got '"
                    + host + "'");
        }
        if (secret != null && host == null) {
            throw new ConfigException("TURN_HOST", "must be set when TURN_SECRET is set (credentials need a server)");
        }
        int ttl = integer("TURN_TTL", (int) NodeConfig.TurnConfig.DEFAULT_TTL.toSeconds(), 60, 7 * 24 * 3600);
        return new NodeConfig.TurnConfig(secret, host, Duration.ofSeconds(ttl),
                port("TURN_PORT", NodeConfig.TurnConfig.DEFAULT_PORT),
                port("TURNS_PORT", NodeConfig.TurnConfig.DEFAULT_TLS_PORT));
    }

    private String redisUrl() {
        String value = raw("REDIS_URL");
        if (value == null) {
            return null;
        }
        String scheme = value.contains("://") ? value.substring(0, value.indexOf("://")) : "";
        if (!List.of("redis", "rediss", "redis-sentinel", "redis-socket", "redis-cluster", "rediss-cluster")
                .contains(scheme)) {
            throw new ConfigException("REDIS_URL", "must start with redis://, rediss://, redis-sentinel://, "
                    + "redis-cluster:// or rediss-cluster://, got '"
                    + value.replaceAll("//[^@/]*@", "//***@") + "'");
        }
        return value;
    }

    private String keyPrefix() {
        String value = string("REDIS_KEY_PREFIX", "rtcio");
        if (!KEY_PREFIX.matcher(value).matches()) {
            throw new ConfigException("REDIS_KEY_PREFIX", "must be 1-64 characters of letters, digits, '.', '_', ':'"
                    + " or '-', got '" + value + "'");
        }
        return value;
    }

    private boolean logFormat() {
        String value = string("LOG_FORMAT", "text");
        return switch (value.toLowerCase()) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new ConfigException("LOG_FORMAT", "must be 'text' or 'json', got '" + value + "'");
        };
    }
}
