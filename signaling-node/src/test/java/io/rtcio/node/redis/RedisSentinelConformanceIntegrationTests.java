package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisSentinelLayout;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.conformance.ProtocolConformance;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.TestNodes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite on three in-JVM nodes sharing a Redis Sentinel deployment (a master, two
 * replicas, three sentinels), plus a master failover in the middle of a call.
 */
class RedisSentinelConformanceIntegrationTests extends ProtocolConformance {

    @RegisterExtension
    static final RedisServerExtension<RedisSentinelLayout> REDIS = RedisServerExtension.sentinel();

    @Override
    protected TestClientFactory newClients() {
        return TestClientFactory.node();
    }

    @Override
    protected TestNodes newCluster(Map<String, String> env) {
        return NodeCluster.start(3, onRedis(env, REDIS.url(), "sentinel-suite"));
    }

    @Test
    void shouldKeepSignalingAcrossAMasterFailover() {
        String room = newRoom();
        TestClient a = peer(ClientTransport.WEBSOCKET);
        TestClient b = peer(ClientTransport.WEBSOCKET);
        join(a, room, "alice");
        join(b, room, "bob");
        assertThat(a.await("user-connected").payload()).containsEntry("id", b.socketId());
        a.await("#rtcio:init-offer");

        RedisSentinelLayout sentinel = REDIS.deployment();
        int oldMaster = sentinel.killMaster();
        sentinel.awaitFailover(oldMaster, Duration.ofSeconds(20));

        // After the failover, cross-node relay and joins work again: retry the relay until the
        // nodes have followed the sentinels to the new master.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    b.emit("#rtcio:message", map("target", a.socketId(), "data", map("after", "failover")));
                    assertThat(a.await("#rtcio:message", Duration.ofMillis(400)).payload().get("data"))
                            .isEqualTo(map("after", "failover"));
                });
        TestClient c = peer(ClientTransport.WEBSOCKET);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    c.emit("check-room", map("roomId", room));
                    assertThat(c.await("room-check-ok", Duration.ofMillis(400)).payload()).containsEntry("roomId", room);
                });
        join(c, room, "carol");
        assertThat(a.await("user-connected").payload()).containsEntry("id", c.socketId());
    }
}
