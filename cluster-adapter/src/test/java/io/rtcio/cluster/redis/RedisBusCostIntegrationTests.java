package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.contract.MessageInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the bus costs in Redis and what its receive path tolerates, on a Redis server of its own
 * (so command counts are exact): a targeted message is one PUBLISH received by one node, a room
 * message one PUBLISH received by the nodes with members, and bad messages or throwing handlers are
 * counted and dropped without stopping delivery.
 */
class RedisBusCostIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String FENCE = "fence";

    @RegisterExtension
    static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();

    private final String prefix = RedisTestNodes.freshPrefix();
    private final List<ClusterBackend> nodes = new ArrayList<>();

    private RedisBackend start(String nodeId) {
        RedisBackend node = RedisTestNodes.open(redis.url(), prefix, nodeId);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(ClusterBackend::close);
    }

    @Test
    void shouldSendToOneNodeWithExactlyOnePublishThatOnlyThatNodeReceives() throws Exception {
        RedisBackend node1 = start("node1");
        RedisBackend node2 = start("node2");
        RedisBackend node3 = start("node3");
        MessageInbox at2 = inbox(node2);
        MessageInbox at3 = inbox(node3);
        ClusterMessage message = new ClusterMessage.ToSocket("node1", "s1", "s2", "#rtcio:message", "{\"n\":1}");
        long publishesBefore = publishCalls();

        get(node1.bus().sendToNode("node2", message));

        assertThat(at2.next()).isEqualTo(message);
        assertThat(publishCalls() - publishesBefore).as("PUBLISH commands Redis executed").isEqualTo(1);
        get(node1.bus().sendToNode("node3", fence("node1")));
        assertThat(at3.takeUntilFence(FENCE)).as("what node3 got before the fence").isEmpty();
        assertThat(node3.bus().counters().received()).as("node3 received the fence only").isEqualTo(1);
        assertThat(node1.bus().counters().received()).isZero();
        assertThat(node1.bus().counters().published()).isEqualTo(2);
    }

    @Test
    void shouldSendToARoomWithOnePublishThatOnlyNodesWithMembersReceive() throws Exception {
        RedisBackend node1 = start("node1");
        RedisBackend node2 = start("node2");
        RedisBackend node3 = start("node3");
        MessageInbox at2 = inbox(node2);
        MessageInbox at3 = inbox(node3);
        get(node1.bus().subscribeRoom("room"));
        get(node2.bus().subscribeRoom("room"));
        ClusterMessage message = new ClusterMessage.ToRoom("node1", "room", "s1", "#rtcio:peer-joined", "{}");
        long publishesBefore = publishCalls();

        get(node1.bus().sendToRoom("room", message));

        assertThat(at2.next()).isEqualTo(message);
        assertThat(publishCalls() - publishesBefore).isEqualTo(1);
        assertThat(redis.deployment().command("PUBSUB", "NUMSUB", new RedisKeys(prefix).roomChannel("room")))
                .as("subscribers of the room channel").isEqualTo(List.of(new RedisKeys(prefix).roomChannel("room"), 2L));
        get(node1.bus().sendToNode("node3", fence("node1")));
        assertThat(at3.takeUntilFence(FENCE)).isEmpty();
        get(node1.bus().sendToNode("node1", fence("node1")));
        await().atMost(TIMEOUT).until(() -> node1.bus().counters().received() == 1);
        assertThat(node1.bus().counters().received()).as("its own room message is not received").isEqualTo(1);
    }

    @Test
    void shouldCountAndDropUndecodableMessagesAndHandlerFailuresWithoutStoppingDelivery() throws Exception {
        RedisBackend node1 = start("node1");
        RedisBackend node2 = start("node2");
        MessageInbox at2 = new MessageInbox(TIMEOUT);
        node2.bus().onMessage(message -> {
            at2.accept(message);
            if (MessageInbox.eventOf(message).equals("boom")) {
                throw new IllegalStateException("handler failure expected by the test");
            }
        });
        String channel = new RedisKeys(prefix).nodeChannel("node2");

        redis.deployment().command("PUBLISH", channel, "not json");
        redis.deployment().command("PUBLISH", channel, "{\"type\":\"to-nowhere\",\"origin\":\"x\"}");
        redis.deployment().command("PUBLISH", channel, "{\"type\":\"to-socket\",\"origin\":\"x\"}");
        get(node1.bus().sendToNode("node2", new ClusterMessage.ToSocket("node1", "s", "t", "boom", "1")));
        get(node1.bus().sendToNode("node2", new ClusterMessage.ToSocket("node1", "s", "t", "fine", "2")));

        assertThat(at2.next(2)).extracting(MessageInbox::payloadOf).containsExactly("1", "2");
        await().atMost(TIMEOUT).until(() -> node2.bus().counters().handlerFailures() == 1);
        assertThat(node2.bus().counters().decodeFailures()).isEqualTo(3);
        assertThat(node2.bus().counters().received()).isEqualTo(2);
    }

    @Test
    void shouldBeTheBackendChosenForARedisUrl() throws Exception {
        ClusterConfig config = RedisTestNodes.config(redis.url(), prefix, "node1");
        try (ClusterBackend backend = ClusterBackend.create(config)) {
            assertThat(backend.kind()).isEqualTo("redis");
            assertThat(backend).isInstanceOf(RedisBackend.class);
            assertThat(((RedisBackend) backend).topology()).isInstanceOf(RedisTopology.Standalone.class);
        }
    }

    @Test
    void shouldRefuseToPublishOrSubscribeOnAClosedBus() {
        RedisBackend node1 = start("node1");
        node1.bus().close();

        assertThat(node1.bus().sendToNode("node2", fence("node1")).toCompletableFuture())
                .failsWithin(TIMEOUT).withThrowableThat().withCauseInstanceOf(IllegalStateException.class);
        assertThat(node1.bus().subscribeRoom("room").toCompletableFuture())
                .failsWithin(TIMEOUT).withThrowableThat().withCauseInstanceOf(IllegalStateException.class);
        assertThat(node1.bus().counters().publishFailures()).isEqualTo(1);
    }

    private long publishCalls() {
        String stats = Resp.fields(redis.deployment().command("INFO", "commandstats")).get("cmdstat_publish");
        return stats == null ? 0 : Long.parseLong(stats.replaceAll("^calls=(\\d+).*$", "$1"));
    }

    private static ClusterMessage fence(String origin) {
        return new ClusterMessage.ToSocket(origin, "s", "t", FENCE, "{}");
    }

    private static MessageInbox inbox(ClusterBackend node) {
        MessageInbox inbox = new MessageInbox(TIMEOUT);
        node.bus().onMessage(inbox);
        return inbox;
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
