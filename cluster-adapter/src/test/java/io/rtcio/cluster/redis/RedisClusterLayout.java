package io.rtcio.cluster.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster on 127.0.0.1: {@value #MASTERS} masters without replicas, each with its cluster
 * bus on a free port of its own ({@code --cluster-port}), created with
 * {@code redis-cli --cluster create}. {@link #start} returns once every node reports
 * {@code cluster_state:ok} (about 2 s).
 */
public final class RedisClusterLayout implements RedisDeployment {

    static final int MASTERS = 3;
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisProcess> nodes = new ArrayList<>();

    private RedisClusterLayout() {
    }

    static RedisClusterLayout start(String redisServer, String redisCli, Path dir) {
        RedisClusterLayout layout = new RedisClusterLayout();
        try {
            for (int i = 1; i <= MASTERS; i++) {
                layout.nodes.add(RedisProcess.start(redisServer, dir.resolve("node-" + i),
                        port -> RedisProcess.serverArgs(port, "--cluster-enabled", "yes",
                                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
                                "--cluster-port", String.valueOf(FreePorts.next()))));
            }
            layout.create(redisCli, dir);
            await().atMost(CREATE_TIMEOUT).ignoreExceptions().until(() -> layout.nodes.stream().allMatch(node -> {
                var info = Resp.fields(Resp.call(node.port(), "CLUSTER", "INFO"));
                return "ok".equals(info.get("cluster_state"))
                        && String.valueOf(MASTERS).equals(info.get("cluster_known_nodes"));
            }));
            return layout;
        } catch (RuntimeException e) {
            layout.stop();
            throw e;
        }
    }

    /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    @Override
    public String url() {
        return "redis-cluster://" + addresses(",");
    }

    /** The client ports of the nodes. */
    public List<Integer> ports() {
        return nodes.stream().map(RedisProcess::port).toList();
    }

    /** The hash slot of {@code key}, as the cluster computes it. */
    public long keySlot(String key) {
        return (Long) Resp.call(nodes.get(0).port(), "CLUSTER", "KEYSLOT", key);
    }

    /** The sum over all nodes of one field of {@code INFO commandstats}'s line for {@code command}. */
    public long commandCalls(String command) {
        long calls = 0;
        for (RedisProcess node : nodes) {
            String stats = Resp.fields(Resp.call(node.port(), "INFO", "commandstats")).get("cmdstat_" + command);
            if (stats != null) {
                calls += Long.parseLong(stats.replaceAll("^calls=(\\d+).*$", "$1"));
            }
        }
        return calls;
    }

    @Override
    public void stop() {
        nodes.forEach(RedisProcess::stop);
    }

    private String addresses(String separator) {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(separator));
    }

    private void create(String redisCli, Path dir) {
        List<String> command = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.add("--cluster-yes");
        try {
            Path log = dir.resolve("cluster-create.log");
            Process create = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!create.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                create.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create took longer than " + CREATE_TIMEOUT);
            }
            if (create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + redisCli, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }
}
