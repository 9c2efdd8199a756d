package io.rtcio.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.config.RateLimitConfig;
import io.rtcio.node.ratelimit.RateLimiter.Decision;
import io.rtcio.node.ratelimit.RateLimiter.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RateLimiter} on a hand-driven clock: burst, slots, backlog, how often the sender is told, when it is cut off. */
class RateLimiterUnitTests {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final UUID session = UUID.randomUUID();

    private RateLimiter limiter(int perSecond, int burst, long maxDelayMs, long disconnectAfterMs) {
        return new RateLimiter(new RateLimitConfig(perSecond, burst, Duration.ofMillis(maxDelayMs),
                Duration.ofMillis(disconnectAfterMs)), now::get);
    }

    private List<Decision> send(RateLimiter limiter, int events) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            decisions.add(limiter.schedule(session));
        }
        return decisions;
    }

    private static List<Verdict> verdicts(List<Decision> decisions) {
        return decisions.stream().map(Decision::verdict).toList();
    }

    @Test
    void aFullBurstPassesThenEventsGetSlotsOneIntervalApart() {
        RateLimiter limiter = limiter(50, 50, 2_000, 3_000);

        List<Decision> decisions = send(limiter, 60);

        assertThat(verdicts(decisions.subList(0, 50))).containsOnly(Verdict.PASS);
        for (int i = 50; i < 60; i++) {
            assertThat(decisions.get(i)).isEqualTo(new Decision(Verdict.DELAY, (i - 49) * 20 * MS));
        }
    }

    @Test
    void slotsNeverGoBackwardsSoHeldEventsKeepTheirOrder() {
        RateLimiter limiter = limiter(50, 10, 2_000, 3_000);
        long lastSlot = Long.MIN_VALUE;
        for (int ms = 0; ms < 1_000; ms += 7) {
            now.addAndGet(7 * MS);
            for (Decision decision : send(limiter, 3)) {
                if (decision.handled()) {
                    long slot = now.get() + decision.delayNanos();
                    assertThat(slot).isGreaterThanOrEqualTo(lastSlot);
                    lastSlot = slot;
                }
            }
        }
    }

    @Test
    void onlyWhatWouldWaitLongerThanTheBacklogIsRefusedAndTheSenderToldOnce() {
        RateLimiter limiter = limiter(50, 50, 2_000, 3_000);

        List<Verdict> verdicts = verdicts(send(limiter, 200));

        assertThat(verdicts.subList(0, 50)).containsOnly(Verdict.PASS);
        assertThat(verdicts.subList(50, 150)).as("2 s of the rate are held").containsOnly(Verdict.DELAY);
        assertThat(verdicts.get(150)).isEqualTo(Verdict.REFUSE_AND_TELL);
        assertThat(verdicts.subList(151, 200)).containsOnly(Verdict.REFUSE);
    }

    @Test
    void aSenderAtTheRateIsNeverHeld() {
        RateLimiter limiter = limiter(50, 1, 2_000, 3_000);
        for (int i = 0; i < 500; i++) {
            now.addAndGet(20 * MS);
            assertThat(limiter.schedule(session).verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void whatCannotWaitPassesOnlyWithinTheBurst() {
        RateLimiter limiter = limiter(50, 5, 2_000, 3_000);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admitNow(session).verdict()).isEqualTo(Verdict.PASS);
        }
        assertThat(limiter.admitNow(session).verdict()).isEqualTo(Verdict.REFUSE_AND_TELL);
        assertThat(limiter.schedule(session).verdict()).as("events may still wait").isEqualTo(Verdict.DELAY);
    }

    @Test
    void theSenderIsToldAtMostTwiceASecond() {
        RateLimiter limiter = limiter(10, 10, 0, 0);
        send(limiter, 10);
        int told = 0;
        for (int ms = 0; ms < 2_000; ms++) {
            now.addAndGet(MS);
            for (Verdict verdict : verdicts(send(limiter, 5))) {
                if (verdict == Verdict.REFUSE_AND_TELL) {
                    told++;
                }
            }
        }
        assertThat(told).isBetween(4, 5);
    }

    @Test
    void aSenderStillRefusedAfterTheGracePeriodIsDisconnected() {
        RateLimiter limiter = limiter(50, 50, 2_000, 3_000);
        List<Verdict> seen = new ArrayList<>();
        long disconnectedAt = -1;
        for (int ms = 0; ms <= 6_000 && disconnectedAt < 0; ms += 10) {
            now.addAndGet(10 * MS);
            seen.addAll(verdicts(send(limiter, 10))); // 1000 events/s against 50/s
            if (seen.contains(Verdict.DISCONNECT)) {
                disconnectedAt = ms;
            }
        }
        assertThat(disconnectedAt).as("refusals start once 2 s are held, ~0.15 s in; 3 s of them later")
                .isBetween(3_000L, 3_400L);
    }

    @Test
    void aSenderThatPausesBetweenBurstsIsNeverDisconnected() {
        RateLimiter limiter = limiter(50, 50, 2_000, 3_000);
        for (int round = 0; round < 10; round++) {
            assertThat(verdicts(send(limiter, 200))).doesNotContain(Verdict.DISCONNECT);
            now.addAndGet(4_000 * MS); // quiet: the backlog drains, the flood is over
        }
    }

    @Test
    void zeroDisablesTheLimitAndForgetDropsState() {
        RateLimiter off = limiter(0, 1, 2_000, 3_000);
        assertThat(verdicts(send(off, 1_000))).containsOnly(Verdict.PASS);
        assertThat(off.tracked()).isZero();

        RateLimiter on = limiter(1, 1, 0, 0);
        send(on, 2);
        assertThat(on.tracked()).isEqualTo(1);
        on.forget(session);
        assertThat(on.tracked()).isZero();
        assertThat(on.schedule(session).verdict()).isEqualTo(Verdict.PASS);
    }
}
