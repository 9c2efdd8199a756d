package io.rtcio.cluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.SessionStore;
import io.rtcio.cluster.SessionStore.Claim;
import io.rtcio.cluster.SessionStore.LoggedEvent;
import io.rtcio.cluster.SessionStore.Session;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@link SessionStore} contract: sessions held by one node, kept for a window, logged for,
 * and claimed by any node, once, with the events after the client's offset in order.
 */
public abstract class SessionStoreContract extends ClusterContractSupport {

    private static final Duration WINDOW = Duration.ofSeconds(60);

    /** Lets {@code duration} pass for the store's TTLs. */
    protected abstract void advanceTime(Duration duration);

    /** A window short enough for {@link #advanceTime} to outlast it. */
    protected Duration shortWindow() {
        return Duration.ofMillis(300);
    }

    private SessionStore store(String nodeId) {
        return node(nodeId).sessions();
    }

    private void open(String socketId, String nodeId, String user) {
        await(store(nodeId).open(new Session(socketId, "secret-" + socketId, nodeId, user, "/")));
    }

    @Test
    void shouldHandOverAHeldSessionWithItsLogInOrder() {
        open("s1", "a", "alice");
        assertThat(await(store("a").hold("s1", "a", WINDOW))).isEqualTo("a");
        assertThat(await(store("a").append("s1", "a", -1, "ev", "{\"n\":1}", WINDOW)).offset()).isEqualTo(1);
        assertThat(await(store("c").append("s1", "a", -1, "ev", "{\"n\":2}", WINDOW)).offset()).isEqualTo(2);

        Claim claim = await(store("b").claim("s1", "secret-s1", "alice", "/", "b", 0));

        assertThat(claim).isInstanceOf(Claim.Recovered.class);
        Claim.Recovered recovered = (Claim.Recovered) claim;
        assertThat(recovered.previousNode()).isEqualTo("a");
        assertThat(recovered.missed()).containsExactly(new LoggedEvent(1, "ev", "{\"n\":1}"),
                new LoggedEvent(2, "ev", "{\"n\":2}"));
    }

    @Test
    void shouldReplayOnlyWhatFollowsTheClientsOffset() {
        open("s1", "a", null);
        await(store("a").hold("s1", "a", WINDOW));
        for (int i = 1; i <= 3; i++) {
            await(store("a").append("s1", "a", -1, "ev", "{\"n\":" + i + "}", WINDOW));
        }
        Claim.Recovered first = (Claim.Recovered) await(store("b").claim("s1", "secret-s1", null, "/", "b", 1));
        assertThat(first.missed()).extracting(LoggedEvent::offset).containsExactly(2L, 3L);

        // The client got offset 3, dropped again, and one more event was kept for it on b.
        await(store("b").hold("s1", "b", WINDOW));
        await(store("b").append("s1", "b", -1, "ev", "{\"n\":4}", WINDOW));
        Claim.Recovered second = (Claim.Recovered) await(store("a").claim("s1", "secret-s1", null, "/", "a", 3));
        assertThat(second.missed()).extracting(LoggedEvent::offset).containsExactly(4L);
    }

    @Test
    void shouldRefuseAWrongSecretUserOrNamespaceWithoutMovingTheSession() {
        open("s1", "a", "alice");
        await(store("a").hold("s1", "a", WINDOW));

        assertThat(await(store("b").claim("s1", "guess", "alice", "/", "b", 0))).isInstanceOf(Claim.Refused.class);
        assertThat(await(store("b").claim("s1", "secret-s1", "mallory", "/", "b", 0))).isInstanceOf(Claim.Refused.class);
        assertThat(await(store("b").claim("s1", "secret-s1", "alice", "/calls", "b", 0))).isInstanceOf(Claim.Refused.class);
        assertThat(await(store("b").claim("nobody", "secret-nobody", null, "/", "b", 0))).isInstanceOf(Claim.Refused.class);

        assertThat(await(store("a").append("s1", "a", -1, "ev", "{}", WINDOW)).kept()).isTrue();
    }

    @Test
    void shouldRestoreALostSessionWithItsGenerationAndOffsetsButNeverReplaceOne() {
        Session lost = new Session("s1", "secret-s1", "a", "alice", "/");
        assertThat(await(store("a").restore(lost, 2, 7))).as("restored").isTrue();
        assertThat(await(store("a").restore(new Session("s1", "other", "a", "alice", "/"), 0, 0)))
                .as("restored over an existing one").isFalse();

        await(store("a").hold("s1", "a", WINDOW));
        assertThat(await(store("a").append("s1", "a", 1, "ev", "{}", WINDOW)).kept()).as("kept for generation 1").isFalse();
        assertThat(await(store("a").append("s1", "a", 2, "ev", "{\"n\":8}", WINDOW)).offset()).isEqualTo(8);

        Claim.Recovered recovered = (Claim.Recovered) await(store("b").claim("s1", "secret-s1", "alice", "/", "b", 7));
        assertThat(recovered.generation()).isEqualTo(3);
        assertThat(recovered.missed()).containsExactly(new LoggedEvent(8, "ev", "{\"n\":8}"));
    }

    @Test
    void shouldTellTheOldNodeWhereTheSessionWent() {
        open("s1", "a", null);
        await(store("a").hold("s1", "a", WINDOW));
        await(store("b").claim("s1", "secret-s1", null, "/", "b", 0));

        SessionStore.Appended refused = await(store("a").append("s1", "a", -1, "ev", "{}", WINDOW));
        assertThat(refused.kept()).isFalse();
        assertThat(refused.moved()).isEqualTo("b");
        assertThat(await(store("a").hold("s1", "a", WINDOW))).isEqualTo("b");
        assertThat(await(store("a").hold("nobody", "a", WINDOW))).isNull();
        assertThat(await(store("a").release("s1", "a"))).isFalse();
        assertThat(await(store("b").release("s1", "b"))).isTrue();
        assertThat(await(store("b").append("s1", "b", -1, "ev", "{}", WINDOW)).moved()).isNull();
        assertThat(await(store("b").claim("s1", "secret-s1", null, "/", "c", 0))).isInstanceOf(Claim.Refused.class);
    }

    @Test
    void shouldTellAnEarlierHolderOnTheSameNodeThatItWasSuperseded() {
        open("s1", "a", null);
        await(store("a").hold("s1", "a", WINDOW));
        Claim.Recovered recovered = (Claim.Recovered) await(store("a").claim("s1", "secret-s1", null, "/", "a", 0));
        assertThat(recovered.generation()).isEqualTo(1);

        SessionStore.Appended stale = await(store("a").append("s1", "a", 0, "ev", "{}", WINDOW));
        assertThat(stale.kept()).isFalse();
        assertThat(stale.moved()).isEqualTo("a");
        assertThat(await(store("a").append("s1", "a", 1, "ev", "{}", WINDOW)).kept()).isTrue();
    }

    @Test
    void shouldClaimASessionStillMarkedLiveOnANodeThatDied() {
        open("s1", "a", null);
        await(store("c").append("s1", "a", -1, "ev", "{\"for\":\"a dead node\"}", WINDOW));

        Claim.Recovered recovered = (Claim.Recovered) await(store("b").claim("s1", "secret-s1", null, "/", "b", 0));

        assertThat(recovered.previousNode()).isEqualTo("a");
        assertThat(recovered.missed()).extracting(LoggedEvent::payloadJson).containsExactly("{\"for\":\"a dead node\"}");
    }

    @Test
    void shouldForgetAHeldSessionAfterTheWindow() {
        open("s1", "a", null);
        open("s2", "a", null);
        await(store("a").hold("s1", "a", shortWindow()));

        advanceTime(shortWindow().multipliedBy(3));

        assertThat(await(store("b").claim("s1", "secret-s1", null, "/", "b", 0))).isInstanceOf(Claim.Refused.class);
        assertThat(await(store("b").claim("s2", "secret-s2", null, "/", "b", 0))).isInstanceOf(Claim.Recovered.class);
    }

    @Test
    void shouldRefuseRecoveryPastTrimmedEvents() {
        open("s1", "a", null);
        await(store("a").hold("s1", "a", WINDOW));
        for (int i = 0; i < SessionStore.MAX_LOGGED_EVENTS + 2; i++) {
            await(store("a").append("s1", "a", -1, "ev", "{}", WINDOW));
        }

        assertThat(await(store("b").claim("s1", "secret-s1", null, "/", "b", 1))).isInstanceOf(Claim.Refused.class);
        Claim.Recovered recovered = (Claim.Recovered) await(store("b").claim("s1", "secret-s1", null, "/", "b", 2));
        assertThat(recovered.missed()).hasSize(SessionStore.MAX_LOGGED_EVENTS);
        assertThat(recovered.missed().get(0).offset()).isEqualTo(3);
    }

    @Test
    void shouldKeepPayloadsThatLookLikeSeparators() {
        open("s1", "a", null);
        String payload = "{\"text\":\"line\\nbreak\",\"n\":\"12\"}";
        await(store("a").append("s1", "a", -1, "chat-message", payload, WINDOW));

        Claim.Recovered recovered = (Claim.Recovered) await(store("b").claim("s1", "secret-s1", null, "/", "b", 0));

        assertThat(recovered.missed()).containsExactly(new LoggedEvent(1, "chat-message", payload));
    }
}
