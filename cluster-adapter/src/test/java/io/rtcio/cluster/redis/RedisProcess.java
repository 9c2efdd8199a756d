package io.rtcio.cluster.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One {@code redis-server} or {@code redis-sentinel} process that a test started, on 127.0.0.1,
 * in a directory of its own (its log is {@code redis.log} there). Every start waits until the
 * process answers PING, at most {@link #START_TIMEOUT}; a start whose port was taken meanwhile is
 * retried on a new port. Processes still running when the JVM exits are killed by a shutdown hook.
 * Thread-safe.
 */
final class RedisProcess {

    static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 5;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "rtcio-redis-reaper"));
    }

    private final String binary;
    private final Path dir;
    private final IntFunction<List<String>> argsForPort;
    private int port;
    private Process process;

    private RedisProcess(String binary, Path dir, IntFunction<List<String>> argsForPort) {
        this.binary = binary;
        this.dir = dir;
        this.argsForPort = argsForPort;
    }

    /**
     * Starts {@code binary} in {@code dir} with the arguments {@code argsForPort} gives for a free
     * port (called again with a new port when a start fails).
     */
    static RedisProcess start(String binary, Path dir, IntFunction<List<String>> argsForPort) {
        RedisProcess redis = new RedisProcess(binary, dir, argsForPort);
        redis.startOnAFreePort();
        return redis;
    }

    /** The arguments of a plain, memory-only {@code redis-server} on {@code port}, plus {@code extra}. */
    static List<String> serverArgs(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log"));
        args.addAll(List.of(extra));
        return args;
    }

    synchronized int port() {
        return port;
    }

    synchronized long pid() {
        return process.pid();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path dir() {
        return dir;
    }

    /** SIGKILL, then waits for the process to be gone. */
    synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** SIGTERM, SIGKILL after {@link #STOP_TIMEOUT}; then deletes the directory. Idempotent. */
    synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    waitForExit();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (process != null) {
            RUNNING.remove(process);
        }
        deleteRecursively(dir);
    }

    /** Kills the process if it runs, then starts it again on the same port (empty, for a memory-only server). */
    synchronized void restart() {
        kill();
        for (int attempt = 1; ; attempt++) {
            try {
                launch(port);
                return;
            } catch (IllegalStateException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private synchronized void startOnAFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                launch(FreePorts.next());
                return;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private void launch(int candidatePort) {
        try {
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>(List.of(binary));
            command.addAll(argsForPort.apply(candidatePort));
            process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("process.out").toFile()))
                    .start();
            RUNNING.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        Process started = process;
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> !started.isAlive() || Resp.pings(candidatePort));
        } catch (ConditionTimeoutException e) {
            started.destroyForcibly();
            throw new IllegalStateException(binary + " did not answer on port " + candidatePort + " within " + START_TIMEOUT);
        }
        if (!started.isAlive()) {
            RUNNING.remove(started);
            throw new IllegalStateException(binary + " exited at start on port " + candidatePort + "; see " + dir);
        }
        port = candidatePort;
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(binary + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
