package io.rtcio.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogUnitTests {

    private final Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    RateLimitedLogUnitTests() {
        lines.start();
        logger.setAdditive(false);
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void shouldLogOncePerIntervalAndReportWhatItSuppressed() {
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(10), now::get);

        for (int i = 0; i < 57; i++) {
            log.warn("relay to node {} failed: {}", "b", "timeout");
            now.addAndGet(100_000_000L);
        }
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("relay to node b failed: timeout");
        assertThat(log.suppressed()).isEqualTo(56);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.warn("relay to node {} failed: {}", "c", "refused");

        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getFormattedMessage())
                .isEqualTo("relay to node c failed: refused (56 more like this were not logged since the last one)");
        assertThat(log.suppressed()).isZero();
    }
}
