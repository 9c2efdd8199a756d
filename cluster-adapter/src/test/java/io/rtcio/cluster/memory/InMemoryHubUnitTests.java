package io.rtcio.cluster.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.contract.MessageInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the in-memory hub offers: the publish-failure switch, counters, node lifecycle. */
class InMemoryHubUnitTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final InMemoryHub hub = new InMemoryHub();
    private final List<ClusterBackend> nodes = new ArrayList<>();

    private ClusterBackend start(String nodeId) {
        ClusterBackend node = hub.node(nodeId);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(ClusterBackend::close);
    }

    private static ClusterMessage message(String origin, String payload) {
        return new ClusterMessage.ToSocket(origin, "sender", "target", "event", payload);
    }

    private static ClusterMessage roomMessage(String origin, String room) {
        return new ClusterMessage.ToRoom(origin, room, null, "event", "{}");
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void assertFailed(CompletionStage<?> stage) {
        CompletableFuture<?> future = stage.toCompletableFuture();
        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join).hasCauseInstanceOf(IllegalStateException.class);
    }

    private void awaitReceived(String nodeId, long count) {
        await().atMost(TIMEOUT).until(() -> hub.receivedCount(nodeId) == count);
    }

    @Test
    void shouldFailEveryPublishWhileTheSwitchIsOn() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend b = start("b");
        b.bus().onMessage(message -> { });
        get(b.bus().subscribeRoom("room"));

        hub.failPublishes(true);
        assertFailed(a.bus().sendToNode("b", message("a", "1")));
        assertFailed(a.bus().sendToRoom("room", roomMessage("a", "room")));
        get(a.bus().subscribeRoom("room"));

        hub.failPublishes(false);
        get(a.bus().sendToNode("b", message("a", "2")));
        awaitReceived("b", 1);
    }

    @Test
    void shouldCountOnlyTheMessagesANodeReceived() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend b = start("b");
        ClusterBackend c = start("c");
        start("d").bus().onMessage(message -> { });
        b.bus().onMessage(message -> { });
        c.bus().onMessage(message -> { });
        get(b.bus().subscribeRoom("room"));
        get(c.bus().subscribeRoom("room"));

        for (int i = 0; i < 3; i++) {
            get(a.bus().sendToNode("b", message("a", String.valueOf(i))));
        }
        get(a.bus().sendToRoom("room", roomMessage("a", "room")));
        get(a.bus().sendToNode("d", message("a", "fence")));

        awaitReceived("b", 4);
        awaitReceived("c", 1);
        awaitReceived("d", 1);
        assertThat(hub.receivedCount("a")).isZero();
        assertThat(hub.receivedCount("unknown")).isZero();
    }

    @Test
    void shouldCountHandlerFailuresAndKeepDelivering() throws Exception {
        ClusterBackend a = start("a");
        MessageInbox atB = new MessageInbox(TIMEOUT);
        start("b").bus().onMessage(message -> {
            atB.accept(message);
            throw new IllegalStateException("handler failure expected by the test");
        });

        get(a.bus().sendToNode("b", message("a", "1")));
        get(a.bus().sendToNode("b", message("a", "2")));

        assertThat(atB.next(2)).extracting(MessageInbox::payloadOf).containsExactly("1", "2");
        await().atMost(TIMEOUT).until(() -> hub.handlerFailureCount("b") == 2);
    }

    @Test
    void shouldDropMessagesThatArriveBeforeAHandlerIsRegistered() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend b = start("b");
        get(a.bus().sendToNode("b", message("a", "early")));
        awaitReceived("b", 1);

        MessageInbox atB = new MessageInbox(TIMEOUT);
        b.bus().onMessage(atB);
        get(a.bus().sendToNode("b", message("a", "late")));

        assertThat(MessageInbox.payloadOf(atB.next())).isEqualTo("late");
    }

    @Test
    void shouldCompleteNormallyWhenTheTargetNodeIsNotRunning() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend b = start("b");
        b.bus().onMessage(message -> { });
        b.close();

        get(a.bus().sendToNode("b", message("a", "to-closed")));
        get(a.bus().sendToNode("never-started", message("a", "to-unknown")));

        assertThat(hub.receivedCount("b")).isZero();
    }

    @Test
    void shouldRefuseToPublishOrSubscribeOnAClosedBus() {
        ClusterBackend a = start("a");
        start("b");
        a.close();

        assertFailed(a.bus().sendToNode("b", message("a", "1")));
        assertFailed(a.bus().sendToRoom("room", roomMessage("a", "room")));
        assertFailed(a.bus().subscribeRoom("room"));
        a.close();
    }

    @Test
    void shouldRefuseTwoRunningNodesWithOneId() {
        start("a");

        assertThatThrownBy(() -> hub.node("a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("a");
    }

    @Test
    void shouldLetARestartedNodeReuseItsIdWithoutOldSubscriptions() throws Exception {
        ClusterBackend publisher = start("a");
        ClusterBackend first = start("b");
        get(first.bus().subscribeRoom("room"));
        first.close();

        ClusterBackend restarted = start("b");
        MessageInbox atB = new MessageInbox(TIMEOUT);
        restarted.bus().onMessage(atB);
        get(publisher.bus().sendToRoom("room", roomMessage("a", "room")));
        get(publisher.bus().sendToNode("b", message("a", "fence")));

        assertThat(MessageInbox.payloadOf(atB.next())).isEqualTo("fence");
    }

    @Test
    void shouldKeepSharedStateWhenANodeCloses() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend b = start("b");
        get(a.presence().register("s1", "a"));
        get(a.rooms().join(new JoinRequest("room", new Member("s1", "a", "ann", null), null, 4)));

        a.close();

        assertThat(get(b.presence().locate("s1"))).contains("a");
        assertThat(get(b.rooms().members("room"))).extracting(Member::socketId).containsExactly("s1");
    }

    @Test
    void shouldKeepHubsApart() throws Exception {
        ClusterBackend a = start("a");
        ClusterBackend elsewhere = new InMemoryHub().node("a");
        nodes.add(elsewhere);

        get(a.rooms().join(new JoinRequest("room", new Member("s1", "a", "ann", null), null, 4)));

        assertThat(get(elsewhere.rooms().join(new JoinRequest("room", new Member("s2", "a", "bob", null), null, 4))))
                .isEqualTo(new JoinResult.Joined(List.of(), Map.of()));
    }

    @Test
    void shouldBeTheEmbeddedBackendChosenWithoutRedis() {
        ClusterBackend embedded = ClusterBackend.create(ClusterConfig.embedded("node-1"));
        nodes.add(embedded);

        assertThat(embedded.kind()).isEqualTo("memory");
        assertThat(embedded.bus().localNode()).isEqualTo("node-1");
        assertThat(start("x").kind()).isEqualTo("memory");
    }
}
