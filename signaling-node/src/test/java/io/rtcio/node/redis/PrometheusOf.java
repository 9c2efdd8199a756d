package io.rtcio.node.redis;

import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.PrometheusText;

/** Node metrics read over the management port. */
final class PrometheusOf {

    private PrometheusOf() {
    }

    /** Messages node {@code index} received from other nodes. */
    static double received(ProcessCluster nodes, int index) {
        return PrometheusText.sum(nodes.node(index).get("/metrics"), "signaling_cluster_received_total", "");
    }
}
