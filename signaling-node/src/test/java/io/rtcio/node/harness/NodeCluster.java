package io.rtcio.node.harness;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.cluster.memory.InMemoryHub;
import io.rtcio.node.SignalingNode;
import io.rtcio.node.config.ConfigLoader;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.metrics.SignalingMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N signaling nodes in this JVM on free loopback ports, sharing one {@link InMemoryHub} (a whole
 * cluster with no Redis), or the Redis named by {@code REDIS_URL} in the env given to
 * {@link #start}. Peers are spread over the nodes with {@link #urlFor(int)}.
 */
public final class NodeCluster implements TestNodes {

    private final InMemoryHub hub = new InMemoryHub();
    private final List<SignalingNode> nodes = new ArrayList<>();
    private final List<ClusterBackend> backends = new ArrayList<>();

    private NodeCluster() {
    }

    /** Starts {@code count} nodes with default settings plus {@code env} (e.g. MAX_PEERS). */
    public static NodeCluster start(int count, Map<String, String> env) {
        NodeCluster cluster = new NodeCluster();
        try {
            for (int i = 0; i < count; i++) {
                cluster.startNode("node-" + (i + 1), env);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public static NodeCluster start(int count) {
        return start(count, Map.of());
    }

    private void startNode(String nodeId, Map<String, String> env) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Map<String, String> vars = new HashMap<>(env);
            vars.putIfAbsent("BIND_ADDRESS", "127.0.0.1");
            vars.put("NODE_ID", nodeId);
            vars.put("PORT", Integer.toString(FreePorts.next()));
            vars.put("MANAGEMENT_PORT", Integer.toString(FreePorts.next()));
            NodeConfig config = ConfigLoader.from(vars);
            ClusterBackend backend = config.redisUrl() == null ? hub.node(nodeId)
                    : ClusterBackend.create(new ClusterConfig(nodeId, config.redisUrl(), config.keyPrefix(),
                            config.heartbeat(), config.lease()));
            try {
                nodes.add(SignalingNode.start(config, backend));
                backends.add(backend);
                return;
            } catch (RuntimeException e) {
                backend.close();
                last = e;
            }
        }
        throw last;
    }

    @Override
    public int size() {
        return nodes.size();
    }

    public SignalingNode node(int index) {
        return nodes.get(index);
    }

    public InMemoryHub hub() {
        return hub;
    }

    @Override
    public String url(int index) {
        return "http://127.0.0.1:" + nodes.get(index).config().port();
    }

    @Override
    public double droppedRelays() {
        return nodes.stream().mapToDouble(node -> node.metrics().relays(SignalingMetrics.RelayResult.DROPPED)).sum();
    }

    /** Management base URL of node {@code index}. */
    public String managementUrl(int index) {
        return "http://127.0.0.1:" + nodes.get(index).config().managementPort();
    }

    @Override
    public void close() {
        for (SignalingNode node : nodes) {
            node.close();
        }
        for (ClusterBackend backend : backends) {
            backend.close();
        }
    }
}
