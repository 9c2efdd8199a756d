package io.rtcio.cluster.redis;

import java.nio.file.Path;

/** A {@code redis-server} process on a free 127.0.0.1 port, memory only. */
final class LocalRedisServer implements RedisServer {

    private final RedisProcess process;

    private LocalRedisServer(RedisProcess process) {
        this.process = process;
    }

    static LocalRedisServer start(String redisServer, Path dir) {
        return new LocalRedisServer(RedisProcess.start(redisServer, dir, RedisProcess::serverArgs));
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return process.port();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void restart() {
        process.restart();
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public Object command(String... args) {
        return Resp.call(port(), args);
    }
}
