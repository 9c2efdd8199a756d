package io.rtcio.node.redis;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.conformance.ProtocolConformance;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.TestNodes;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance suite against three node processes (separate JVMs from the jar) sharing
 * one redis-server, with the npm socket.io-client 4.8 over both transports; consecutive peers of
 * every room sit on different nodes.
 */
class RedisProcessConformanceIntegrationTests extends ProtocolConformance {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.node();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return ProcessCluster.start(3, onRedis(env, REDIS.url(), "conformance"));
    }
}
