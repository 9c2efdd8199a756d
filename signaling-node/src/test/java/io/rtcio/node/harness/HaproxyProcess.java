package io.rtcio.node.harness;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local haproxy in front of node processes, standing in for the chart's ingress: HTTP mode,
 * round-robin, hour-long client, server and tunnel timeouts (the ingress's proxy read/send
 * timeouts), and, when {@code sticky}, cookie affinity as the ingress-nginx annotations set it
 * (cookie {@code rtcio-affinity}, inserted by the proxy, SameSite=Lax; a client whose cookie names
 * a backend that is down goes to another, as ingress-nginx does). Ended by its own handle.
 */
public final class HaproxyProcess implements AutoCloseable {

    public static final String COOKIE = "rtcio-affinity";

    private final Process process;
    private final int port;
    private final Path log;

    private HaproxyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The haproxy binary on the PATH (or in /usr/sbin), or null when it is not installed. */
    public static String binary() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "haproxy");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Starts haproxy on a free loopback port in front of {@code backends} (base URLs) and waits until it listens. */
    public static HaproxyProcess start(List<String> backends, boolean sticky) {
        return start(backends, List.of(), sticky);
    }

    /**
     * As {@link #start(List, boolean)}, and when {@code readinessUrls} (one management base URL per
     * backend) are given, haproxy checks each backend's {@code /ready} every 200 ms and sends no new
     * session to one that fails it, as Kubernetes endpoints do with a readiness probe; a client whose
     * cookie names such a backend is sent to another.
     */
    public static HaproxyProcess start(List<String> backends, List<String> readinessUrls, boolean sticky) {
        int port = FreePorts.next();
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 3600s
                    timeout server 3600s
                    timeout tunnel 3600s
                    timeout http-request 10s
                frontend public
                    bind 127.0.0.1:%d
                    default_backend nodes
                backend nodes
                    balance roundrobin
                    option redispatch
                """.formatted(port));
        if (!readinessUrls.isEmpty()) {
            config.append("    option httpchk GET /ready\n");
        }
        if (sticky) {
            config.append("    cookie ").append(COOKIE).append(" insert indirect nocache maxlife 7200s attr \"SameSite=Lax\"\n");
        }
        for (int i = 0; i < backends.size(); i++) {
            URI uri = URI.create(backends.get(i));
            config.append("    server n").append(i + 1).append(' ').append(uri.getHost()).append(':').append(uri.getPort());
            if (sticky) {
                config.append(" cookie n").append(i + 1);
            }
            if (!readinessUrls.isEmpty()) {
                config.append(" check port ").append(URI.create(readinessUrls.get(i)).getPort())
                        .append(" inter 200ms fall 1 rise 2");
            }
            config.append('\n');
        }
        try {
            Path dir = Files.createDirectories(NodeProcess.jar().getParent().resolve("haproxy"));
            Path file = Files.createTempFile(dir, "haproxy-", ".cfg");
            Files.writeString(file, config, StandardCharsets.UTF_8);
            Path log = Path.of(file.toString().replace(".cfg", ".log"));
            Process process = new ProcessBuilder(binary(), "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HaproxyProcess proxy = new HaproxyProcess(process, port, log);
            try {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("haproxy exited with " + process.exitValue() + ": "
                                + Files.readString(log) + "\nconfig:\n" + config);
                    }
                    return listening(port);
                });
            } catch (RuntimeException | AssertionError e) {
                proxy.close();
                throw e;
            }
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What haproxy printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
