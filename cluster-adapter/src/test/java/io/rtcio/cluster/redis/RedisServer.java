package io.rtcio.cluster.redis;

/**
 * One standalone Redis server for tests, however it was provided (see {@link RedisServerExtension}).
 * Methods that need control of the server ({@link #pid}, {@link #kill}, {@link #restart}) abort the
 * calling test (JUnit assumption) when the server is not one the tests started themselves.
 */
public interface RedisServer extends RedisDeployment {

    /** {@code redis://host:port}. */
    @Override
    String url();

    String host();

    int port();

    /** The operating-system process id of the server. */
    long pid();

    /** Kills the server at once (SIGKILL): clients see a dead peer. */
    void kill();

    /** Starts the server again on the same port, empty; kills it first if it runs. Waits until it answers. */
    void restart();

    /** Sends one command (e.g. {@code "INFO", "commandstats"}) on a fresh connection; see {@link Resp}. */
    Object command(String... args);
}
