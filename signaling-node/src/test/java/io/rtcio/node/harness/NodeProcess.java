package io.rtcio.node.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node as operators run it: {@code java -jar signaling-node/target/signaling-node.jar} in its
 * own JVM, configured by environment variables, its output captured line by line. Ended by its
 * own process handle only.
 */
public final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;
    private final int managementPort;

    private NodeProcess(Launched launched, int port, int managementPort) {
        this.process = launched.process();
        this.stdout = launched.stdout();
        this.stderr = launched.stderr();
        this.port = port;
        this.managementPort = managementPort;
    }

    private record Launched(Process process, Path stdout, Path stderr) {
    }

    /** The fat jar built by {@code mvn package}; failsafe runs after it. */
    public static Path jar() {
        for (Path candidate : List.of(Path.of("target", "signaling-node.jar"),
                Path.of("signaling-node", "target", "signaling-node.jar"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError("signaling-node.jar not found: run `mvn -DskipTests package` first");
    }

    /** Starts a node with free ports and {@code env} (PORT and MANAGEMENT_PORT are added). */
    public static NodeProcess start(Map<String, String> env) {
        int port = FreePorts.next();
        int managementPort = FreePorts.next();
        Map<String, String> vars = new HashMap<>(env);
        vars.putIfAbsent("BIND_ADDRESS", "127.0.0.1");
        vars.put("PORT", Integer.toString(port));
        vars.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        return new NodeProcess(launch(vars), port, managementPort);
    }

    /** Starts the jar with exactly {@code env} added to this environment (for start-up failures). */
    public static NodeProcess startRaw(Map<String, String> env) {
        return new NodeProcess(launch(env), -1, -1);
    }

    private static Launched launch(Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar().toString());
        builder.environment().keySet().removeIf(key -> key.equals("REDIS_URL") || key.equals("LOG_FORMAT"));
        builder.environment().putAll(env);
        try {
            Path logs = Files.createDirectories(jar().getParent().resolve("node-logs"));
            Path out = Files.createTempFile(logs, "node-", ".out");
            Path err = Files.createTempFile(logs, "node-", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new Launched(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (60 s: JVM start-up on a loaded CI machine) until {@code /ready} answers 200. */
    public NodeProcess awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("node exited with " + process.exitValue() + ": " + output());
            }
            return status("/ready") == 200;
        });
        return this;
    }

    /** HTTP status of a GET on the management port, or -1 when it does not answer. */
    public int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(managementUrl() + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Body of a GET on the management port. */
    public String get(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(managementUrl() + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Lines the node printed on stdout so far. */
    public List<String> stdout() {
        return lines(stdout);
    }

    /** Lines the node printed on stderr so far. */
    public List<String> stderr() {
        return lines(stderr);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String output() {
        return "stdout=" + stdout() + " stderr=" + stderr();
    }

    /** Waits (30 s) for the process to exit and returns its exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("node did not exit: " + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** SIGKILL: the node gets no chance to clean up (a crash). */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** Sends SIGTERM and returns at once: the node's graceful stop runs while the caller watches. */
    public void signalTerm() {
        process.destroy();
    }

    /** SIGTERM: the node shuts down gracefully. */
    public void terminate() {
        process.destroy();
        awaitExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
