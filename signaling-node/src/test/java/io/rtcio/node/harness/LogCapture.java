package io.rtcio.node.harness;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Takes the lines of one logger for the length of a test, instead of the console: a test that
 * provokes a warning on purpose asserts it, and a passing run does not print it as if something
 * had gone wrong. Close it to give the logger back.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final boolean additive;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    private LogCapture(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        additive = logger.isAdditive();
        lines.start();
        logger.addAppender(lines);
        logger.setAdditive(false);
    }

    /** Captures what {@code source} logs from now on. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** Captures what the logger named {@code name} logs from now on (for classes a test cannot see). */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The formatted messages logged so far, oldest first. */
    public List<String> messages() {
        synchronized (lines.list) {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.setAdditive(additive);
        logger.detachAppender(lines);
        lines.stop();
    }
}
