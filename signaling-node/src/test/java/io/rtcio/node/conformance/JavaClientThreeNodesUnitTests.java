package io.rtcio.node.conformance;

import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestNodes;
import io.rtcio.node.harness.TestClientFactory;
import java.util.Map;

/**
 * The conformance suite with the Java socket.io client against three in-JVM nodes on the
 * in-memory hub: needs nothing but a JDK, so it runs with {@code mvn test}.
 */
class JavaClientThreeNodesUnitTests extends ProtocolConformance {

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.java();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return NodeCluster.start(3, env);
    }
}
