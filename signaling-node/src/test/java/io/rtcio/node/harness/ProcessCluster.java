package io.rtcio.node.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N nodes as separate JVMs started from the fat jar, sharing one Redis: the production shape.
 * Node {@code i} gets {@code NODE_ID=proc-<i+1>}.
 */
public final class ProcessCluster implements TestNodes {

    private final List<NodeProcess> nodes = new ArrayList<>();

    private ProcessCluster() {
    }

    /** Starts {@code count} nodes with {@code env} (which should carry REDIS_URL) and waits until all are ready. */
    public static ProcessCluster start(int count, Map<String, String> env) {
        ProcessCluster cluster = new ProcessCluster();
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> vars = new HashMap<>(env);
                vars.put("NODE_ID", "proc-" + (i + 1));
                cluster.nodes.add(NodeProcess.start(vars));
            }
            cluster.nodes.forEach(NodeProcess::awaitReady);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public NodeProcess node(int index) {
        return nodes.get(index);
    }

    @Override
    public int size() {
        return nodes.size();
    }

    @Override
    public String url(int index) {
        return nodes.get(index).url();
    }

    /** Sum of a metric over the live nodes (see {@link PrometheusText#sum}). */
    public double metric(String name, String labelFragment) {
        double total = 0;
        for (NodeProcess node : nodes) {
            if (node.isAlive()) {
                total += PrometheusText.sum(node.get("/metrics"), name, labelFragment);
            }
        }
        return total;
    }

    @Override
    public double droppedRelays() {
        return metric("signaling_relay_messages_total", "result=\"dropped\"");
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }
}
