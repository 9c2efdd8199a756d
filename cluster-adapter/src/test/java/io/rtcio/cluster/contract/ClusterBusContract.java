package io.rtcio.cluster.contract;

import static io.rtcio.cluster.contract.MessageInbox.eventOf;
import static io.rtcio.cluster.contract.MessageInbox.payloadOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.ClusterMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The {@link ClusterBus} contract: targeted delivery, room fan-out to other subscribed nodes only,
 * order per (publisher, receiver), and handlers that cannot break delivery.
 *
 * <p>Absence of a message is proven with a fence: the publisher sends a "fence" message after the
 * one under test, and the receiver checks that nothing arrived before the fence.
 */
public abstract class ClusterBusContract extends ClusterContractSupport {

    private static final String FENCE = "fence";

    private ClusterBus bus(String nodeId) {
        return node(nodeId).bus();
    }

    private MessageInbox inbox(String nodeId) {
        MessageInbox inbox = new MessageInbox(TIMEOUT);
        bus(nodeId).onMessage(inbox);
        return inbox;
    }

    private static ClusterMessage toSocket(String origin, String target, String event, String payload) {
        return new ClusterMessage.ToSocket(origin, "sender-of-" + origin, target, event, payload);
    }

    private static ClusterMessage toRoom(String origin, String room, String event, String payload) {
        return new ClusterMessage.ToRoom(origin, room, null, event, payload);
    }

    private void fence(String from, String to) {
        await(bus(from).sendToNode(to, toSocket(from, "nobody", FENCE, "{}")));
    }

    @Test
    void shouldReportItsOwnNodeId() {
        assertThat(bus("a").localNode()).isEqualTo("a");
        assertThat(bus("b").localNode()).isEqualTo("b");
    }

    @Test
    void shouldDeliverToNamedNodeOnly() throws Exception {
        MessageInbox atA = inbox("a");
        MessageInbox atB = inbox("b");
        MessageInbox atC = inbox("c");
        ClusterMessage message = toSocket("a", "socket-on-b", "#rtcio:message", "{\"n\":1}");

        await(bus("a").sendToNode("b", message));
        fence("a", "a");
        fence("a", "c");

        assertThat(atB.next()).isEqualTo(message);
        assertThat(atA.takeUntilFence(FENCE)).isEmpty();
        assertThat(atC.takeUntilFence(FENCE)).isEmpty();
    }

    @Test
    void shouldHandOverWhatArrivedThenReachNobodyAfterStopListening() throws Exception {
        MessageInbox atB = inbox("b");
        List<ClusterMessage> before = IntStream.range(0, 20)
                .mapToObj(i -> toSocket("a", "socket-on-b", "#rtcio:message", "{\"n\":" + i + "}")).toList();
        for (ClusterMessage message : before) {
            assertThat(await(bus("a").sendToNodeIfListening("b", message))).as("b listening").isTrue();
        }

        CompletionStage<Void> stopped = bus("b").stopListening();
        List<ClusterMessage> handed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            handed.add(atB.next());
        }
        await(stopped);

        assertThat(handed).containsExactlyElementsOf(before);
        assertThat(await(bus("a").sendToNodeIfListening("b", toSocket("a", "socket-on-b", "#rtcio:message", "{}"))))
                .as("b listening after stopListening").isFalse();
        assertThat(await(bus("b").sendToNodeIfListening("a", toSocket("b", "socket-on-a", "#rtcio:message", "{}"))))
                .as("a listening, b still publishing").isTrue();
        await(bus("b").stopListening()); // idempotent
    }

    @Test
    void shouldFanOutRoomMessagesToSubscribedOtherNodesOnly() throws Exception {
        MessageInbox atA = inbox("a");
        MessageInbox atB = inbox("b");
        MessageInbox atC = inbox("c");
        MessageInbox atD = inbox("d");
        for (String member : List.of("a", "b", "c")) {
            await(bus(member).subscribeRoom("room-1"));
        }
        await(bus("d").subscribeRoom("room-2"));
        ClusterMessage message = toRoom("a", "room-1", "#rtcio:peer-left", "{}");

        await(bus("a").sendToRoom("room-1", message));
        fence("a", "a");
        fence("a", "d");

        assertThat(atB.next()).isEqualTo(message);
        assertThat(atC.next()).isEqualTo(message);
        assertThat(atA.takeUntilFence(FENCE)).as("the publisher").isEmpty();
        assertThat(atD.takeUntilFence(FENCE)).as("a node subscribed to another room").isEmpty();
    }

    @Test
    void shouldStopFanOutAfterUnsubscribe() throws Exception {
        MessageInbox atB = inbox("b");
        MessageInbox atC = inbox("c");
        await(bus("b").subscribeRoom("room"));
        await(bus("c").subscribeRoom("room"));
        await(bus("c").unsubscribeRoom("room"));

        await(bus("a").sendToRoom("room", toRoom("a", "room", "e", "1")));
        fence("a", "c");

        assertThat(payloadOf(atB.next())).isEqualTo("1");
        assertThat(atC.takeUntilFence(FENCE)).isEmpty();
    }

    @Test
    void shouldDeliverOnceWhenSubscribedTwice() throws Exception {
        MessageInbox atB = inbox("b");
        await(bus("b").subscribeRoom("room"));
        await(bus("b").subscribeRoom("room"));

        await(bus("a").sendToRoom("room", toRoom("a", "room", "e", "1")));
        fence("a", "b");

        assertThat(atB.takeUntilFence(FENCE)).extracting(MessageInbox::payloadOf).containsExactly("1");
    }

    @Test
    void shouldTreatUnsubscribeAsIdempotent() throws Exception {
        MessageInbox atB = inbox("b");
        await(bus("b").unsubscribeRoom("never-joined"));
        await(bus("b").subscribeRoom("room"));
        await(bus("b").unsubscribeRoom("room"));
        await(bus("b").unsubscribeRoom("room"));

        await(bus("a").sendToRoom("room", toRoom("a", "room", "e", "1")));
        fence("a", "b");

        assertThat(atB.takeUntilFence(FENCE)).isEmpty();
    }

    @Test
    void shouldPreservePerPublisherOrderAtEachReceiver() throws Exception {
        int count = 1000;
        MessageInbox atC = inbox("c");
        await(bus("c").subscribeRoom("room"));
        List<Callable<Void>> publishers = new ArrayList<>();
        for (String origin : List.of("a", "b")) {
            ClusterBus publisher = bus(origin);
            publishers.add(() -> {
                List<CompletionStage<Void>> sent = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String seq = String.valueOf(i);
                    sent.add(i % 2 == 0
                            ? publisher.sendToNode("c", toSocket(origin, "socket-on-c", "seq", seq))
                            : publisher.sendToRoom("room", toRoom(origin, "room", "seq", seq)));
                }
                sent.forEach(ClusterContractSupport::await);
                return null;
            });
        }

        runConcurrently(publishers);

        Map<String, List<Integer>> seenByOrigin = new HashMap<>();
        for (ClusterMessage message : atC.next(2 * count)) {
            seenByOrigin.computeIfAbsent(message.originNode(), o -> new ArrayList<>())
                    .add(Integer.parseInt(payloadOf(message)));
        }
        List<Integer> expected = IntStream.range(0, count).boxed().toList();
        assertThat(seenByOrigin.get("a")).containsExactlyElementsOf(expected);
        assertThat(seenByOrigin.get("b")).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldKeepDeliveringAfterHandlerThrows() throws Exception {
        MessageInbox atB = new MessageInbox(TIMEOUT);
        bus("b").onMessage(message -> {
            atB.accept(message);
            if (eventOf(message).equals("boom")) {
                throw new IllegalStateException("handler failure expected by the test");
            }
        });

        await(bus("a").sendToNode("b", toSocket("a", "s", "boom", "1")));
        await(bus("a").sendToNode("b", toSocket("a", "s", "boom", "2")));
        await(bus("a").sendToNode("b", toSocket("a", "s", "fine", "3")));

        assertThat(atB.next(3)).extracting(MessageInbox::payloadOf).containsExactly("1", "2", "3");
    }

    @Test
    void shouldRunHandlersOffThePublishingThread() throws Exception {
        MessageInbox atA = inbox("a");
        MessageInbox atB = inbox("b");

        await(bus("a").sendToNode("b", toSocket("a", "s", "e", "to-b")));
        await(bus("a").sendToNode("a", toSocket("a", "s", "e", "to-self")));

        assertThat(atB.nextDelivery().thread()).isNotSameAs(Thread.currentThread());
        MessageInbox.Delivery toSelf = atA.nextDelivery();
        assertThat(payloadOf(toSelf.message())).isEqualTo("to-self");
        assertThat(toSelf.thread()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void shouldDeliverToTheLatestHandlerOnly() throws Exception {
        MessageInbox first = inbox("b");
        MessageInbox second = inbox("b");

        await(bus("a").sendToNode("b", toSocket("a", "s", "e", "1")));

        assertThat(payloadOf(second.next())).isEqualTo("1");
        fence("a", "b");
        assertThat(second.takeUntilFence(FENCE)).isEmpty();
        assertThat(first.receivedSoFar()).as("the replaced handler").isEmpty();
    }
}
