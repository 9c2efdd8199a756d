package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.ClusterMessage;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.Member;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis dies and comes back empty on the same port, under two running nodes: while it is away
 * every call fails fast instead of hanging or piling up; once it is back the nodes reconnect and
 * re-subscribe by themselves, and the next heartbeat says the lease is new (so a node knows to
 * re-publish what it owns).
 */
class RedisRestartIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FAIL_FAST = Duration.ofSeconds(3);

    @RegisterExtension
    static final RedisServerExtension<RedisServer> redis = RedisServerExtension.standalone();

    private final String prefix = RedisTestNodes.freshPrefix();

    @Test
    void shouldFailFastWhileRedisIsDownAndRecoverByItselfAfterARestart() throws Exception {
        try (RedisBackend a = RedisTestNodes.open(redis.url(), prefix, "a");
             RedisBackend b = RedisTestNodes.open(redis.url(), prefix, "b")) {
            BlockingQueue<ClusterMessage> atB = new LinkedBlockingQueue<>();
            b.bus().onMessage(atB::add);
            get(b.bus().subscribeRoom("room"));
            assertThat(get(a.presence().heartbeat("a", RedisTestNodes.LEASE))).isFalse();
            assertThat(get(a.presence().heartbeat("a", RedisTestNodes.LEASE))).isTrue();
            long pidBefore = redis.deployment().pid();

            redis.deployment().kill();

            assertFailsFast(a.bus().sendToNode("b", message("while-down")));
            assertFailsFast(a.bus().sendToRoom("room", new ClusterMessage.ToRoom("a", "room", null, "while-down", "{}")));
            assertFailsFast(a.rooms().join(new JoinRequest("room", new Member("s1", "a", "ann", null), null, 8)));
            assertFailsFast(a.presence().heartbeat("a", RedisTestNodes.LEASE));
            assertThat(a.bus().counters().publishFailures()).isEqualTo(2);

            redis.deployment().restart();
            assertThat(redis.deployment().pid()).isNotEqualTo(pidBefore);

            BusProbes.awaitDelivery(a.bus(), "b", atB, TIMEOUT);
            ClusterMessage roomMessage = new ClusterMessage.ToRoom("a", "room", null, "room-after-restart", "{}");
            get(a.bus().sendToRoom("room", roomMessage));
            assertThat(BusProbes.next(atB, "room-after-restart", TIMEOUT))
                    .as("b's room subscription, restored by reconnecting").isEqualTo(roomMessage);
            assertThat(get(a.presence().heartbeat("a", RedisTestNodes.LEASE))).as("the lease is new").isFalse();
            assertThat(get(a.rooms().join(new JoinRequest("room", new Member("s1", "a", "ann", null), null, 8))))
                    .as("an empty Redis, with the join script loaded again").isEqualTo(new JoinResult.Joined(List.of(), Map.of()));
        }
    }

    private static void assertFailsFast(CompletionStage<?> stage) {
        CompletableFuture<?> future = stage.toCompletableFuture();
        long start = System.nanoTime();
        assertThat(future).failsWithin(FAIL_FAST).withThrowableThat().withCauseInstanceOf(RedisBackendException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(FAIL_FAST.toMillis());
    }

    private static ClusterMessage message(String event) {
        return new ClusterMessage.ToSocket("a", "s", "t", event, "{}");
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
