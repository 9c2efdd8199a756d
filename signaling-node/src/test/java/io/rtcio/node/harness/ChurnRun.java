package io.rtcio.node.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of {@code churn.mjs} (signaling-node/src/test/node): sessions of the npm socket.io-client
 * joining and leaving rooms at a steady rate, and a checker of the membership rules over what they
 * received. The run reports named phases of its schedule (so a test can restart Redis or start a
 * node at a given moment of the load) and ends with a result.
 */
public final class ChurnRun implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;

    private ChurnRun(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts a run with {@code options} (see the DEFAULTS of churn.mjs). */
    public static ChurnRun start(Map<String, Object> options) {
        Path dir = NodeTestClientFactory.locateDriverDir();
        String node = System.getProperty(NodeTestClientFactory.NODE_BINARY_PROPERTY, "node");
        try {
            Process process = new ProcessBuilder(node, "churn.mjs", JSON.writeValueAsString(options))
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new ChurnRun(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tells the run about one more node to spread new sessions over. */
    public void addUrl(String url) {
        try {
            stdin.write("url " + url + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the run's output until its result, handing each phase to {@code onPhase} as it comes
     * (on this thread, so the load keeps running while it acts). Fails when the run does not end
     * within {@code timeoutSeconds}.
     */
    public JsonNode awaitResult(Consumer<String> onPhase, long timeoutSeconds) {
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "churn-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("phase ")) {
                    onPhase.accept(line.substring("phase ".length()).trim());
                } else if (line.startsWith("result ")) {
                    return JSON.readTree(line.substring("result ".length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the churn run ended without a result (timed out after " + timeoutSeconds + " s?)");
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
