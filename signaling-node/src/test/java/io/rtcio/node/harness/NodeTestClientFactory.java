package io.rtcio.node.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * npm socket.io-client instances, all hosted by one {@code node driver.mjs} process that this factory
 * starts and ends. Commands go to the driver's stdin and reports come back on its stdout, one JSON
 * object per line; the driver's stderr is forwarded to {@code System.err}.
 */
final class NodeTestClientFactory implements TestClientFactory {

    /** Overrides where {@code driver.mjs} lives. */
    static final String NODE_DIR_PROPERTY = "rtcio.testNodeDir";
    /** Overrides the node executable (default: {@code node} on the PATH). */
    static final String NODE_BINARY_PROPERTY = "rtcio.node";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int STDERR_TAIL_LINES = 40;

    private final Process process;
    private final Writer stdin;
    private final Map<String, NodeClient> clients = new ConcurrentHashMap<>();
    private final AtomicInteger clientIds = new AtomicInteger();
    private final AtomicInteger ackIds = new AtomicInteger();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile boolean closed;

    private NodeTestClientFactory(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        startDaemon("rtcio-node-driver-stdout", this::readStdout);
        startDaemon("rtcio-node-driver-stderr", this::readStderr);
    }

    static NodeTestClientFactory start() {
        Path dir = locateDriverDir();
        if (!Files.isRegularFile(dir.resolve("node_modules/socket.io-client/package.json"))) {
            throw new AssertionError("socket.io-client is not installed for the node test driver: run `npm ci` in "
                    + dir + " (signaling-node/src/test/node)");
        }
        String node = System.getProperty(NODE_BINARY_PROPERTY, "node");
        Process process;
        try {
            process = new ProcessBuilder(node, "driver.mjs").directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start `" + node + " driver.mjs` in " + dir
                    + " (is Node 20 installed? -D" + NODE_BINARY_PROPERTY + "=/path/to/node overrides)", e);
        }
        NodeTestClientFactory factory = new NodeTestClientFactory(process);
        try {
            BaseTestClient.get(factory.ready, START_TIMEOUT, "the node driver to start");
        } catch (TimeoutException | AssertionError e) {
            String diagnostics = factory.diagnostics();
            factory.close();
            throw new AssertionError("node driver did not report ready within " + START_TIMEOUT + diagnostics, e);
        }
        return factory;
    }

    /** {@code -Drtcio.testNodeDir}, else {@code src/test/node} or {@code signaling-node/src/test/node} from here upwards. */
    static Path locateDriverDir() {
        String configured = System.getProperty(NODE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve("driver.mjs"))) {
                throw new AssertionError("-D" + NODE_DIR_PROPERTY + "=" + configured + " has no driver.mjs");
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            for (String relative : List.of("src/test/node", "signaling-node/src/test/node")) {
                Path candidate = dir.resolve(relative);
                if (Files.isRegularFile(candidate.resolve("driver.mjs"))) {
                    return candidate.normalize();
                }
            }
        }
        throw new AssertionError("cannot find signaling-node/src/test/node/driver.mjs from " + start
                + "; set -D" + NODE_DIR_PROPERTY + "=<dir>");
    }

    @Override
    public String kind() {
        return "node";
    }

    @Override
    public TestClient connect(String baseUrl, ClientOptions options) {
        NodeClient client = open(baseUrl, options);
        ConnectError error;
        try {
            error = client.awaitConnectOutcome(TestClient.DEFAULT_TIMEOUT);
        } catch (TimeoutException e) {
            client.close();
            throw new AssertionError(client.label + ": no connect to " + baseUrl + " within "
                    + TestClient.DEFAULT_TIMEOUT + diagnostics());
        }
        if (error != null) {
            client.close();
            throw new AssertionError(client.label + ": connect_error '" + error.message() + "' (data " + error.data()
                    + ") connecting to " + baseUrl + " with " + options);
        }
        return client;
    }

    @Override
    public RecoveringClient connectRecovering(String baseUrl, ClientOptions options) {
        NodeClient client = open(baseUrl, options, true);
        try {
            client.awaitConnect(1, TestClient.DEFAULT_TIMEOUT);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    @Override
    public ConnectError connectExpectingError(String baseUrl, ClientOptions options) {
        NodeClient client = open(baseUrl, options);
        try {
            ConnectError error = client.awaitConnectOutcome(TestClient.DEFAULT_TIMEOUT);
            if (error == null) {
                throw new AssertionError(client.label + ": expected connect_error but connected as "
                        + client.socketId() + " to " + baseUrl + " with " + options);
            }
            return error;
        } catch (TimeoutException e) {
            throw new AssertionError(client.label + ": neither connect nor connect_error from " + baseUrl
                    + " within " + TestClient.DEFAULT_TIMEOUT + diagnostics());
        } finally {
            client.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NodeClient client : List.copyOf(clients.values())) {
            client.close();
        }
        try {
            synchronized (stdin) {
                stdin.close(); // the driver disconnects what is left and exits
            }
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("[harness] node driver pid " + process.pid() + " did not exit; destroying it");
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // ---- driver I/O ----

    private NodeClient open(String baseUrl, ClientOptions options) {
        return open(baseUrl, options, false);
    }

    private NodeClient open(String baseUrl, ClientOptions options, boolean reconnect) {
        if (closed) {
            throw new IllegalStateException("factory is closed");
        }
        NodeClient client = new NodeClient("n" + clientIds.incrementAndGet());
        clients.put(client.id, client);

        ObjectNode opts = Json.object();
        opts.set("transports", Json.tree(options.transport().transportNames()));
        opts.put("reconnection", reconnect);
        if (reconnect) {
            opts.put("reconnectionDelay", 100);
            opts.put("reconnectionDelayMax", 500);
            opts.put("randomizationFactor", 0);
        }
        opts.put("forceNew", true);
        opts.put("timeout", TestClient.DEFAULT_TIMEOUT.toMillis());
        if (options.auth() != null) {
            opts.set("auth", Json.tree(options.auth()));
        }
        if (options.origin() != null) {
            opts.set("extraHeaders", Json.tree(Map.of("Origin", options.origin())));
        }
        ObjectNode cmd = command("connect", client.id);
        cmd.put("url", baseUrl);
        cmd.set("opts", opts);
        send(cmd);
        return client;
    }

    private static ObjectNode command(String name, String clientId) {
        ObjectNode cmd = Json.object();
        cmd.put("cmd", name);
        cmd.put("client", clientId);
        return cmd;
    }

    private void send(ObjectNode cmd) {
        String line = cmd.toString();
        synchronized (stdin) {
            try {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new AssertionError("cannot write to the node driver: " + e.getMessage() + diagnostics(), e);
            }
        }
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                dispatch(line);
            }
        } catch (IOException e) {
            stderrLine("[harness] reading driver stdout failed: " + e);
        }
        ready.completeExceptionally(new IllegalStateException("node driver stdout closed"));
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                stderrLine(line);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private void stderrLine(String line) {
        System.err.println("[node-driver] " + line);
        synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > STDERR_TAIL_LINES) {
                stderrTail.removeFirst();
            }
        }
    }

    private void dispatch(String line) {
        JsonNode msg;
        try {
            msg = Json.parse(line);
        } catch (JsonProcessingException e) {
            stderrLine("[harness] non-JSON line on driver stdout: " + line);
            return;
        }
        String type = msg.path("type").asText();
        if (type.equals("ready")) {
            ready.complete(null);
            return;
        }
        NodeClient client = clients.get(msg.path("client").asText());
        if (client == null) {
            if (type.equals("error")) {
                stderrLine("[harness] driver error: " + msg.path("message").asText());
            }
            return; // a report for a released client
        }
        switch (type) {
            case "connect" -> {
                client.connects.add(new RecoveringClient.Connect(msg.path("id").asText(null),
                        msg.path("recovered").asBoolean(false)));
                client.onConnected(msg.path("id").asText(null), msg.path("transport").asText(null));
            }
            case "connect_error" -> client.onConnectError(
                    new ConnectError(msg.path("message").asText(""), Json.plain(msg.get("data"))));
            case "disconnect" -> client.onDisconnected(msg.path("reason").asText());
            case "upgrade" -> client.onTransport(msg.path("transport").asText());
            case "event" -> client.onEvent(new Received(msg.path("event").asText(), Json.plainList(msg.get("args"))));
            case "ack" -> client.onAck(msg.path("ackId").asText(), Json.plainList(msg.get("args")));
            case "error" -> client.onDriverError(msg.path("message").asText());
            default -> stderrLine("[harness] unknown report: " + line);
        }
    }

    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        if (!process.isAlive()) {
            sb.append("\nnode driver exited with code ").append(process.exitValue());
        }
        synchronized (stderrTail) {
            if (!stderrTail.isEmpty()) {
                sb.append("\nlast node driver stderr lines:\n  ").append(String.join("\n  ", stderrTail));
            }
        }
        return sb.toString();
    }

    private static void startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** One socket.io-client instance inside the driver. */
    private final class NodeClient extends BaseTestClient implements RecoveringClient {

        private final String id;
        private final List<RecoveringClient.Connect> connects = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<String, CompletableFuture<List<Object>>> pendingAcks = new ConcurrentHashMap<>();
        private volatile boolean released;

        NodeClient(String id) {
            super("node client " + id);
            this.id = id;
        }

        void onAck(String ackId, List<Object> args) {
            CompletableFuture<List<Object>> future = pendingAcks.remove(ackId);
            if (future != null) {
                future.complete(args);
            }
        }

        void onDriverError(String message) {
            stderrLine("[harness] driver error for " + id + ": " + message);
            onConnectError(new ConnectError("driver error: " + message, null));
        }

        @Override
        public void emit(String event, Object... args) {
            ObjectNode cmd = command("emit", id);
            cmd.put("event", event);
            cmd.set("args", Json.tree(Arrays.asList(args)));
            send(cmd);
        }

        @Override
        public List<Object> emitWithAck(String event, Object... args) {
            String ackId = "a" + ackIds.incrementAndGet();
            CompletableFuture<List<Object>> future = new CompletableFuture<>();
            pendingAcks.put(ackId, future);
            ObjectNode cmd = command("emit", id);
            cmd.put("event", event);
            cmd.set("args", Json.tree(Arrays.asList(args)));
            cmd.put("ackId", ackId);
            send(cmd);
            try {
                return get(future, DEFAULT_TIMEOUT, "ack of " + event);
            } catch (TimeoutException e) {
                pendingAcks.remove(ackId);
                throw new AssertionError(describe() + ": no ack for '" + event + "' within " + DEFAULT_TIMEOUT
                        + extraDiagnostics());
            }
        }

        @Override
        public void disconnect() {
            boolean wasConnected = isConnected();
            send(command("disconnect", id));
            if (wasConnected) {
                awaitOwnDisconnect("disconnect()");
            }
        }

        @Override
        public void kill() {
            boolean wasConnected = isConnected();
            send(command("kill", id));
            if (wasConnected) {
                awaitOwnDisconnect("kill()");
            }
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                if (process.isAlive()) {
                    send(command("release", id));
                }
            } catch (AssertionError e) {
                // the driver is gone; nothing left to release
            } finally {
                clients.remove(id);
            }
        }

        @Override
        public void drop() {
            send(command("drop", id));
        }

        @Override
        public void retarget(String baseUrl) {
            ObjectNode cmd = command("retarget", id);
            cmd.put("url", baseUrl);
            send(cmd);
        }

        @Override
        public RecoveringClient.Connect awaitConnect(int count, Duration timeout) {
            try {
                org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                        .until(() -> connects.size() >= count);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(describe() + ": connected " + connects.size() + " times, not " + count
                        + ", within " + timeout + extraDiagnostics());
            }
            return connects.get(count - 1);
        }

        @Override
        protected String extraDiagnostics() {
            return diagnostics();
        }
    }
}
