package io.rtcio.node.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link Drain} on a clock of its own: waves spread over the window, each socket closed once. */
class DrainUnitTests {

    private long now;
    private final List<String> sockets = new CopyOnWriteArrayList<>();
    /** When (ms after the start) each socket's transport was closed. */
    private final Map<String, Long> closedAt = new LinkedHashMap<>();

    private Drain<String> drain(Duration window, boolean socketsLeaveWhenClosed) {
        return new Drain<>(() -> sockets, socket -> {
            assertThat(closedAt).as("each socket is closed once").doesNotContainKey(socket);
            closedAt.put(socket, now / 1_000_000);
            if (socketsLeaveWhenClosed) {
                sockets.remove(socket);
            }
        }, window, () -> now, deadline -> now = Math.max(now, deadline));
    }

    private void connect(int count) {
        for (int i = 0; i < count; i++) {
            sockets.add("s" + sockets.size() + "-" + closedAt.size());
        }
    }

    @Test
    void closesEveryTransportInTenWavesSpreadOverTheWindow() throws InterruptedException {
        connect(25);

        int closed = drain(Duration.ofSeconds(10), true).run();

        assertThat(closed).isEqualTo(25);
        assertThat(sockets).isEmpty();
        Map<Long, Integer> perWave = new LinkedHashMap<>();
        closedAt.values().forEach(at -> perWave.merge(at, 1, Integer::sum));
        assertThat(perWave.keySet()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L);
        assertThat(perWave.values()).allMatch(n -> n == 2 || n == 3);
        assertThat(now / 1_000_000).as("ends when the last socket left").isEqualTo(9000L);
    }

    @Test
    void endsAtOnceWhenNoSocketIsLeft() throws InterruptedException {
        connect(3);

        assertThat(drain(Duration.ofSeconds(10), true).run()).isEqualTo(3);

        assertThat(closedAt.values()).containsExactly(0L, 1000L, 2000L);
        assertThat(now / 1_000_000).isEqualTo(3000L);
    }

    @Test
    void socketsThatStayAreClosedOnceAndTheDrainEndsWithTheWindow() throws InterruptedException {
        connect(4);

        assertThat(drain(Duration.ofSeconds(2), false).run()).isEqualTo(4);

        assertThat(closedAt).hasSize(4);
        assertThat(now / 1_000_000).isEqualTo(2000L);
    }

    @Test
    void socketsArrivingDuringTheDrainAreClosedInLaterWaves() throws InterruptedException {
        connect(10);
        List<String> late = new ArrayList<>();
        Drain<String> drain = new Drain<>(() -> {
            if (now == 5_000_000_000L && late.isEmpty()) {
                connect(5);
                late.addAll(sockets.subList(sockets.size() - 5, sockets.size()));
            }
            return sockets;
        }, socket -> {
            closedAt.put(socket, now / 1_000_000);
            sockets.remove(socket);
        }, Duration.ofSeconds(10), () -> now, deadline -> now = Math.max(now, deadline));

        assertThat(drain.run()).isEqualTo(15);

        assertThat(sockets).isEmpty();
        assertThat(late).allMatch(socket -> closedAt.get(socket) >= 5000L);
    }

    @Test
    void aZeroWindowClosesEverythingAtOnce() throws InterruptedException {
        connect(7);

        assertThat(drain(Duration.ZERO, true).run()).isEqualTo(7);

        assertThat(closedAt.values()).containsOnly(0L);
    }
}
