package io.rtcio.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.config.RateLimitConfig;
import io.rtcio.node.ratelimit.RateLimiter.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RateLimiter} on a hand-driven clock: burst, refill, how often the sender is told, when it is cut off. */
class RateLimiterUnitTests {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final UUID session = UUID.randomUUID();

    private RateLimiter limiter(int perSecond, int burst, long disconnectAfterMs) {
        return new RateLimiter(new RateLimitConfig(perSecond, burst, Duration.ofMillis(disconnectAfterMs)), now::get);
    }

    private List<Verdict> send(RateLimiter limiter, int events) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            verdicts.add(limiter.admit(session));
        }
        return verdicts;
    }

    @Test
    void aFullBurstPassesThenEventsAreDroppedAndTheSenderToldOnce() {
        RateLimiter limiter = limiter(50, 50, 3_000);

        List<Verdict> verdicts = send(limiter, 100);

        assertThat(verdicts.subList(0, 50)).containsOnly(Verdict.PASS);
        assertThat(verdicts.get(50)).isEqualTo(Verdict.DROP_AND_TELL);
        assertThat(verdicts.subList(51, 100)).containsOnly(Verdict.DROP);
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        RateLimiter limiter = limiter(50, 50, 3_000);
        send(limiter, 60);

        now.addAndGet(100 * MS); // 5 tokens
        List<Verdict> verdicts = send(limiter, 10);

        assertThat(verdicts.stream().filter(v -> v == Verdict.PASS).count()).isEqualTo(5);
    }

    @Test
    void theSenderIsToldAtMostTwiceASecond() {
        RateLimiter limiter = limiter(10, 10, 0);
        send(limiter, 10);
        int told = 0;
        for (int ms = 0; ms < 2_000; ms++) {
            now.addAndGet(MS);
            for (Verdict verdict : send(limiter, 5)) {
                if (verdict == Verdict.DROP_AND_TELL) {
                    told++;
                }
            }
        }
        assertThat(told).isBetween(4, 5);
    }

    @Test
    void aSenderStillFloodingAfterTheGracePeriodIsDisconnected() {
        RateLimiter limiter = limiter(50, 50, 3_000);
        List<Verdict> seen = new ArrayList<>();
        for (int ms = 0; ms <= 3_100 && !seen.contains(Verdict.DISCONNECT); ms += 10) {
            now.addAndGet(10 * MS);
            seen.addAll(send(limiter, 10)); // 1000 events/s against 50/s
        }
        assertThat(seen).contains(Verdict.DISCONNECT);
    }

    @Test
    void aSenderThatPausesBetweenBurstsIsNeverDisconnected() {
        RateLimiter limiter = limiter(50, 50, 3_000);
        for (int round = 0; round < 10; round++) {
            assertThat(send(limiter, 80)).doesNotContain(Verdict.DISCONNECT);
            now.addAndGet(1_500 * MS); // quiet for 1.5 s: the flood is over, the bucket refills
        }
    }

    @Test
    void zeroDisablesTheLimitAndForgetDropsState() {
        RateLimiter off = limiter(0, 1, 3_000);
        assertThat(send(off, 1_000)).containsOnly(Verdict.PASS);
        assertThat(off.tracked()).isZero();

        RateLimiter on = limiter(1, 1, 0);
        send(on, 2);
        assertThat(on.tracked()).isEqualTo(1);
        on.forget(session);
        assertThat(on.tracked()).isZero();
        assertThat(on.admit(session)).isEqualTo(Verdict.PASS);
    }
}
