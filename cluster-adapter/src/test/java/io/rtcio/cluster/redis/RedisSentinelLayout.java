package io.rtcio.cluster.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Sentinel deployment on 127.0.0.1: one master, {@value #REPLICAS} replicas and {@value #SENTINELS}
 * sentinels watching master {@value #MASTER_NAME} with quorum 2, down-after 1000 ms and failover
 * timeout 5000 ms. {@link #start} returns once every sentinel sees both replicas and the other
 * sentinels (about 3 s), so a failover can be elected right away; {@link #killMaster} plus
 * {@link #awaitFailover} takes about 2.5 s.
 */
public final class RedisSentinelLayout implements RedisDeployment {

    public static final String MASTER_NAME = "mymaster";
    static final int REPLICAS = 2;
    static final int SENTINELS = 3;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    private final List<RedisProcess> dataNodes = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private RedisSentinelLayout() {
    }

    static RedisSentinelLayout start(String redisServer, String redisSentinel, Path dir) {
        RedisSentinelLayout layout = new RedisSentinelLayout();
        try {
            RedisProcess master = RedisProcess.start(redisServer, dir.resolve("master"),
                    port -> RedisProcess.serverArgs(port, "--repl-diskless-sync-delay", "0"));
            layout.dataNodes.add(master);
            for (int i = 1; i <= REPLICAS; i++) {
                layout.dataNodes.add(RedisProcess.start(redisServer, dir.resolve("replica-" + i),
                        port -> RedisProcess.serverArgs(port, "--repl-diskless-sync-delay", "0",
                                "--replicaof", "127.0.0.1", String.valueOf(master.port()))));
            }
            await().atMost(SETTLE_TIMEOUT).ignoreExceptions().until(() -> layout.dataNodes.stream().skip(1)
                    .allMatch(replica -> "up".equals(info(replica.port(), "replication").get("master_link_status"))));
            for (int i = 1; i <= SENTINELS; i++) {
                Path sentinelDir = dir.resolve("sentinel-" + i);
                layout.sentinels.add(RedisProcess.start(redisSentinel, sentinelDir,
                        port -> List.of(writeConfig(sentinelDir, port, master.port()).toString())));
            }
            await().atMost(SETTLE_TIMEOUT).ignoreExceptions().until(layout::settled);
            return layout;
        } catch (RuntimeException e) {
            layout.stop();
            throw e;
        }
    }

    /** {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#mymaster}. */
    @Override
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    /** The port of the master as the first live sentinel names it. */
    public int masterPort() {
        for (RedisProcess sentinel : sentinels) {
            if (sentinel.isAlive()) {
                List<?> address = (List<?>) Resp.call(sentinel.port(), "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                return Integer.parseInt(String.valueOf(address.get(1)));
            }
        }
        throw new IllegalStateException("no sentinel is running");
    }

    /** Waits until every replica has all the master's writes (replication is asynchronous). */
    public void awaitReplicated() {
        int master = masterPort();
        await().atMost(SETTLE_TIMEOUT).ignoreExceptions().until(() -> {
            String offset = info(master, "replication").get("master_repl_offset");
            return dataNodes.stream().filter(n -> n.isAlive() && n.port() != master)
                    .allMatch(n -> offset.equals(info(n.port(), "replication").get("slave_repl_offset")));
        });
    }

    /** SIGKILLs the current master; returns its port. */
    public int killMaster() {
        int master = masterPort();
        dataNodes.stream().filter(n -> n.port() == master).findFirst()
                .orElseThrow(() -> new IllegalStateException("the master is not one of this layout's servers"))
                .kill();
        return master;
    }

    /** Waits until the sentinels name a master other than {@code oldMasterPort} and it accepts writes. */
    public void awaitFailover(int oldMasterPort, Duration timeout) {
        await().atMost(timeout).ignoreExceptions().until(() -> {
            int master = masterPort();
            return master != oldMasterPort && "master".equals(info(master, "replication").get("role"));
        });
    }

    @Override
    public void stop() {
        sentinels.forEach(RedisProcess::stop);
        dataNodes.forEach(RedisProcess::stop);
    }

    private boolean settled() {
        return sentinels.stream().allMatch(sentinel -> {
            Map<String, String> master = Resp.pairs(Resp.call(sentinel.port(), "SENTINEL", "MASTER", MASTER_NAME));
            return String.valueOf(REPLICAS).equals(master.get("num-slaves"))
                    && String.valueOf(SENTINELS - 1).equals(master.get("num-other-sentinels"));
        });
    }

    private static Map<String, String> info(int port, String section) {
        return Resp.fields(Resp.call(port, "INFO", section));
    }

    private static Path writeConfig(Path dir, int port, int masterPort) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("sentinel.conf");
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "logfile redis.log",
                    "dir " + dir.toAbsolutePath(),
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1",
                    ""));
            return config.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sentinel config in " + dir, e);
        }
    }
}
