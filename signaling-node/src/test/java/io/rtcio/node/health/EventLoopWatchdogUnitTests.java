package io.rtcio.node.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopWatchdogUnitTests {

    private final MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    private final EventLoopWatchdog watchdog = new EventLoopWatchdog(Duration.ofMillis(20), Duration.ofMillis(300),
            System::nanoTime);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        watchdog.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    @Test
    void shouldReportAWedgedLoopAndRecoverWhenItRunsAgain() {
        watchdog.watch(loops);
        watchdog.watch(loops);
        assertThat(watchdog.watched()).isEqualTo(2);

        loops.next().execute(this::blockUntilReleased);

        await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.stalled().isPresent());
        assertThat(watchdog.stalled().orElseThrow()).startsWith("event loop ").contains("has not run a task for");

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.stalled().isEmpty());
    }

    @Test
    void shouldStayHealthyWhileLoopsRunTheirTasks() {
        watchdog.watch(loops);
        for (int i = 0; i < 20; i++) {
            loops.next().execute(() -> { });
        }

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> watchdog.stalled().isEmpty());
    }

    @Test
    void shouldForgetLoopsThatWereShutDown() {
        watchdog.watch(loops);
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.watched() == 0);
        assertThat(watchdog.stalled()).isEmpty();
    }

    private void blockUntilReleased() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
