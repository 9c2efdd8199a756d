package io.rtcio.node.conformance;

import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestNodes;
import io.rtcio.node.harness.TestClientFactory;
import java.util.Map;

/**
 * The conformance suite with the npm socket.io-client 4.8 against three nodes in one JVM sharing
 * the in-memory hub; consecutive peers sit on different nodes.
 */
class NodeClientThreeNodesIntegrationTests extends ProtocolConformance {

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.node();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return NodeCluster.start(3, env);
    }
}
