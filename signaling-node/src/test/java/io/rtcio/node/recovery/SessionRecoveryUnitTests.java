package io.rtcio.node.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.SessionStore;
import io.rtcio.cluster.memory.InMemoryHub;
import io.rtcio.node.auth.Identity;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.session.SocketRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a CONNECT's {@code pid} and {@code offset} must look like to claim a session: the private
 * id {@code <socket id>.<secret>}, an offset that is a decimal string (or absent); anything else is
 * a new session, and so is a claim the store refuses.
 */
class SessionRecoveryUnitTests {

    private static final Duration WINDOW = Duration.ofSeconds(30);

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ClusterBackend backend = new InMemoryHub().node("a");
    private final SessionRecovery recovery = new SessionRecovery(new NodeConfig.RecoveryConfig(WINDOW, Duration.ofSeconds(1)),
            "b", backend.sessions(), new SocketRegistry(), null, backend.presence(), backend.mediaStates(), backend.bus(),
            timers, new SignalingMetrics("b"));

    @AfterEach
    void stop() throws InterruptedException {
        timers.shutdownNow();
        timers.awaitTermination(5, TimeUnit.SECONDS);
        backend.close();
    }

    private void heldSessionWithEvents(int events) {
        SessionStore store = backend.sessions();
        store.open(new SessionStore.Session("sock1", "s3cret", "a", "alice", "/")).toCompletableFuture().join();
        store.hold("sock1", "a", WINDOW).toCompletableFuture().join();
        for (int i = 0; i < events; i++) {
            store.append("sock1", "a", 0, "ev", "{\"n\":" + i + "}", WINDOW).toCompletableFuture().join();
        }
    }

    private SessionRecovery.Ticket claim(Object pid, Object offset, String userId) {
        UUID session = UUID.randomUUID();
        Map<String, Object> auth = new HashMap<>();
        auth.put("token", "t");
        auth.put("pid", pid);
        if (offset != null) {
            auth.put("offset", offset);
        }
        recovery.claim(session, "/", auth, new Identity(userId, null, Map.of())).toCompletableFuture().join();
        return recovery.takeTicket(session);
    }

    @Test
    void shouldClaimWithThePrivateIdAndReplayAfterTheOffset() {
        heldSessionWithEvents(3);

        SessionRecovery.Ticket ticket = claim("sock1.s3cret", "1", "alice");

        assertThat(ticket).isNotNull();
        assertThat(ticket.socketId()).isEqualTo("sock1");
        assertThat(ticket.previousNode()).isEqualTo("a");
        assertThat(ticket.missed()).extracting(SessionStore.LoggedEvent::offset).containsExactly(2L, 3L);
    }

    @Test
    void shouldReplayEverythingWhenTheClientHasNoOffsetYet() {
        heldSessionWithEvents(2);

        assertThat(claim("sock1.s3cret", null, "alice").missed()).hasSize(2);
    }

    @Test
    void shouldMakeANewSessionOfAnythingMalformedOrRefused() {
        heldSessionWithEvents(1);

        assertThat(claim("sock1", null, "alice")).as("no secret").isNull();
        assertThat(claim(".s3cret", null, "alice")).as("no id").isNull();
        assertThat(claim("sock1.", null, "alice")).as("empty secret").isNull();
        assertThat(claim(42, null, "alice")).as("not a string").isNull();
        assertThat(claim("sock1.s3cret", "-1", "alice")).as("negative offset").isNull();
        assertThat(claim("sock1.s3cret", 1, "alice")).as("offset not a string").isNull();
        assertThat(claim("sock1.s3cret", "1e3", "alice")).as("offset not decimal").isNull();
        assertThat(claim("sock1.wrong", null, "alice")).as("wrong secret").isNull();
        assertThat(claim("sock1.s3cret", null, "mallory")).as("another user").isNull();
        assertThat(claim("sock1.s3cret", null, "alice")).as("the real one, still claimable").isNotNull();
        assertThat(claim("sock1.s3cret", null, "alice")).as("claimed again by the same node").isNotNull();
    }
}
