package io.rtcio.cluster.redis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real Redis for its lifetime. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();
 * ... redis.url(), redis.deployment().kill(), ...
 * }</pre>
 * It starts in {@code beforeAll} of the class that registers it (nested classes share it) and
 * stops in that class's {@code afterAll}; a JVM shutdown hook kills whatever is left.
 *
 * <p>Where the Redis comes from:
 * <ul>
 *   <li>{@link #standalone()}: the {@code REDIS_URL} system property or environment variable when
 *       set (used as is, never flushed: give each test its own key prefix); else a
 *       {@code redis-server} found on the PATH, on a free 127.0.0.1 port; else Redis 7 in a container
 *       when Testcontainers finds a Docker engine;</li>
 *   <li>{@link #sentinel()} and {@link #cluster()}: always local processes, which need
 *       {@code redis-server}, {@code redis-sentinel} and {@code redis-cli} on the PATH.</li>
 * </ul>
 * When none is available, {@code beforeAll} fails and says what to install.
 *
 * @param <D> the kind of deployment
 */
public final class RedisServerExtension<D extends RedisDeployment> implements BeforeAllCallback, AfterAllCallback {

    static final String INSTALL_HINT = "install Redis 7 (e.g. apt-get install -y redis-server redis-sentinel), "
            + "or set REDIS_URL to a Redis the tests may use";

    private final Function<Path, D> starter;
    private D deployment;
    private Path dir;
    private String owner;

    private RedisServerExtension(Function<Path, D> starter) {
        this.starter = starter;
    }

    /** One standalone server: REDIS_URL, else a local {@code redis-server}, else a container. */
    public static RedisServerExtension<RedisServer> standalone() {
        return new RedisServerExtension<>(dir -> {
            String url = Optional.ofNullable(System.getProperty("REDIS_URL")).orElse(System.getenv("REDIS_URL"));
            if (url != null && !url.isBlank()) {
                return new ExternalRedisServer(url);
            }
            Optional<String> redisServer = binary("redis-server");
            if (redisServer.isPresent()) {
                return LocalRedisServer.start(redisServer.get(), dir);
            }
            if (testcontainersPresent() && ContainerRedisServer.dockerAvailable()) {
                return ContainerRedisServer.start();
            }
            throw new IllegalStateException("no Redis for integration tests: no REDIS_URL, no redis-server on the PATH "
                    + "and no Docker engine; " + INSTALL_HINT);
        });
    }

    /** {@link RedisSentinelLayout}: a master, two replicas, three sentinels. */
    public static RedisServerExtension<RedisSentinelLayout> sentinel() {
        return new RedisServerExtension<>(dir -> RedisSentinelLayout.start(required("redis-server"),
                required("redis-sentinel"), dir));
    }

    /** {@link RedisClusterLayout}: three masters. */
    public static RedisServerExtension<RedisClusterLayout> cluster() {
        return new RedisServerExtension<>(dir -> RedisClusterLayout.start(required("redis-server"),
                required("redis-cli"), dir));
    }

    /** The running deployment; only between {@code beforeAll} and {@code afterAll}. */
    public synchronized D deployment() {
        if (deployment == null) {
            throw new IllegalStateException("Redis is not running: register the extension on a static field");
        }
        return deployment;
    }

    /** {@code deployment().url()}. */
    public String url() {
        return deployment().url();
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws IOException {
        if (deployment != null) {
            return; // a nested class of the owner
        }
        dir = Files.createTempDirectory("rtcio-redis-");
        try {
            deployment = starter.apply(dir);
        } catch (RuntimeException e) {
            RedisProcess.deleteRecursively(dir);
            throw e;
        }
        owner = context.getUniqueId();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (deployment == null || !context.getUniqueId().equals(owner)) {
            return;
        }
        try {
            deployment.stop();
        } finally {
            deployment = null;
            RedisProcess.deleteRecursively(dir);
        }
    }

    private static boolean testcontainersPresent() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String required(String name) {
        return binary(name).orElseThrow(() -> new IllegalStateException(name + " is not on the PATH; " + INSTALL_HINT));
    }

    /** The absolute path of executable {@code name} on the PATH. */
    static Optional<String> binary(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }
}
