package io.rtcio.cluster.redis;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Redis 7 in a container, for machines with a Docker engine but no {@code redis-server}. Only this
 * class touches Testcontainers, so test classpaths without it still load the rest. Restarting on
 * the same port is not offered (Docker maps a new host port).
 */
final class ContainerRedisServer implements RedisServer {

    private static final String IMAGE = "redis:7.0";
    private static final int REDIS_PORT = 6379;

    private final GenericContainer<?> container;

    private ContainerRedisServer(GenericContainer<?> container) {
        this.container = container;
    }

    /** Whether Testcontainers finds a Docker engine (check first that Testcontainers is on the classpath). */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static ContainerRedisServer start() {
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        container.start();
        return new ContainerRedisServer(container);
    }

    @Override
    public String url() {
        return "redis://" + host() + ":" + port();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(REDIS_PORT);
    }

    @Override
    public long pid() {
        return Assumptions.abort("Redis runs in a container; its pid is not ours");
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void restart() {
        Assumptions.abort("a container cannot restart on the same host port");
    }

    @Override
    public void stop() {
        container.stop();
    }

    @Override
    public Object command(String... args) {
        return Resp.call(host(), port(), null, args);
    }
}
