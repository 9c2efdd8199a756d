package io.rtcio.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a long-polling body is taken apart and where each packet goes. */
class LongPollUnitTests {

    private static final char RS = LongPoll.SEPARATOR;
    private final Settings settings = Settings.load(new Settings.Defaults(2, 0, 0, 2, 1000, 1000));

    @Test
    void aBodyIsSplitOnTheRecordSeparator() {
        assertThat(LongPoll.split("2" + RS + "42[\"a\",{}]" + RS + "6")).containsExactly("2", "42[\"a\",{}]", "6");
        assertThat(LongPoll.split("40{\"sid\":\"x\"}")).containsExactly("40{\"sid\":\"x\"}");
        assertThat(LongPoll.split("")).isEmpty();
    }

    @Test
    void everyRequestGoesToTheNodeThatOpenedTheSession() {
        LongPoll poll = new LongPoll("http://127.0.0.1:4001", "abc");

        assertThat(poll.url()).isEqualTo("http://127.0.0.1:4001/socket.io/?EIO=4&transport=polling&sid=abc");
    }

    @Test
    void pingsAreAnsweredAndTheAwaitedPacketIsTakenTheRestGoesToThePeer() {
        LongPoll poll = new LongPoll("http://h", "s");
        RtcPeer peer = new RtcPeer("b", "r", 2, false, settings);
        poll.await("join-ok", (p, s) -> p.startsWith("42[\"join-ok\""), (p, s) -> "ok", 60_000_000_000L);
        poll.queue(List.of("42[\"join-room\",{}]"));
        poll.beforePoll();
        poll.status(200);

        String result = poll.onBody("42[\"user-connected\",{\"id\":\"a\",\"name\":\"A\"}]" + RS + "2" + RS
                + "42[\"join-ok\",{}]", peer, null);
        poll.afterPoll();

        assertThat(result).isEqualTo("ok");
        assertThat(poll.settled()).isTrue();
        assertThat(poll.matched()).isEqualTo("42[\"join-ok\",{}]");
        assertThat(peer.knowsRoom()).isTrue();
        assertThat(poll.broken()).isFalse();
        // What was queued, in order (the frame, then the pong), in one POST body.
        assertThat(poll.takePending()).isEqualTo("42[\"join-room\",{}]" + RS + "3");
        assertThat(poll.takePending()).isNull();
    }

    @Test
    void aVerdictThatIsNotOkFailsThePollThatBroughtIt() {
        LongPoll poll = new LongPoll("http://h", "s");
        poll.await("protocol check", (p, s) -> p.startsWith("42[\"room-check-ok\""), (p, s) -> "1 violation", 60_000_000_000L);
        poll.beforePoll();
        poll.status(200);

        assertThat(poll.onBody("42[\"room-check-ok\",{}]", null, null)).isEqualTo("1 violation");
    }

    @Test
    void aWaitThatRunsOutFailsAndSettles() {
        LongPoll poll = new LongPoll("http://h", "s");
        poll.await("join-ok", (p, s) -> false, (p, s) -> "ok", 0);
        poll.beforePoll();
        poll.status(200);

        assertThat(poll.onBody("2", null, null)).isEqualTo("timed out waiting for join-ok");
        assertThat(poll.settled()).isTrue();
    }

    @Test
    void aFailedPollBreaksTheSession() {
        LongPoll poll = new LongPoll("http://h", "s");
        poll.await("join-ok", (p, s) -> true, (p, s) -> "ok", 60_000_000_000L);
        poll.beforePoll();
        poll.status(500);

        assertThat(poll.onBody("", null, null)).startsWith("HTTP 500");
        poll.afterPoll();
        assertThat(poll.broken()).isTrue();
        assertThat(poll.settled()).isTrue();

        poll.beforePoll(); // no answer at all (connection refused, timeout): no check ran
        poll.afterPoll();
        assertThat(poll.broken()).isTrue();
    }
}
