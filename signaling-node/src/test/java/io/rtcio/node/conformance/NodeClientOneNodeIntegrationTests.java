package io.rtcio.node.conformance;

import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestNodes;
import io.rtcio.node.harness.TestClientFactory;
import java.util.Map;

/** The conformance suite with the npm socket.io-client 4.8 against one node. */
class NodeClientOneNodeIntegrationTests extends ProtocolConformance {

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.node();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return NodeCluster.start(1, env);
    }
}
