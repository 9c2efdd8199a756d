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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code fleet.mjs} (signaling-node/src/test/node): npm socket.io-client instances that
 * stay in a room, relay to their room-mate and reconnect by themselves (each attempt to the next
 * of their URLs), plus one-off connection probes. Its own process, ended by its handle.
 */
public final class Fleet implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> reports = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> probes = new LinkedBlockingQueue<>();
    private final Map<String, JsonNode> lastJoin = new ConcurrentHashMap<>();

    private Fleet(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "fleet-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static Fleet start() {
        Path dir = NodeTestClientFactory.locateDriverDir();
        String node = System.getProperty(NodeTestClientFactory.NODE_BINARY_PROPERTY, "node");
        try {
            Process process = new ProcessBuilder(node, "fleet.mjs").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Fleet(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode msg = JSON.readTree(line);
                switch (msg.path("type").asText()) {
                    case "joined" -> lastJoin.put(msg.path("client").asText(), msg);
                    case "probe" -> probes.add(msg);
                    case "report" -> reports.add(msg);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void send(Map<String, Object> command) {
        try {
            stdin.write(JSON.writeValueAsString(command) + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client that connects to {@code urls[0]} with socket.io-client {@code options}, joins
     * {@code room} (null: none until {@link #join}) after every connect and relays to its room-mate every {@code relayEveryMs}.
     */
    public void connect(String client, List<String> urls, Map<String, Object> options, String room, int relayEveryMs) {
        Map<String, Object> command = new java.util.HashMap<>(Map.of("cmd", "connect", "client", client, "urls", urls,
                "opts", options, "relayEveryMs", relayEveryMs));
        command.put("room", room);
        send(command);
    }

    /** {@code client} joins {@code room} now (and after every later connect). */
    public void join(String client, String room) {
        send(Map.of("cmd", "join", "client", client, "room", room));
    }

    /** From now on every client's reconnection attempts move on over {@code urls} (nodes were replaced). */
    public void urls(List<String> urls) {
        send(Map.of("cmd", "urls", "urls", urls));
    }

    /** Every client stops relaying. */
    public void quiet() {
        send(Map.of("cmd", "quiet"));
    }

    /** One fresh connect to {@code url}; its outcome comes with {@link #awaitProbe}. */
    public void probe(String client, String url, Map<String, Object> options) {
        send(Map.of("cmd", "probe", "client", client, "url", url, "opts", options));
    }

    /** The next probe outcome: {@code {client, ok, error, transport}}. */
    public JsonNode awaitProbe(Duration timeout) {
        try {
            JsonNode probe = probes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (probe == null) {
                throw new AssertionError("no probe outcome within " + timeout);
            }
            return probe;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last join-ok of each client: {@code {client, id, transport, url}}. */
    public Map<String, JsonNode> joins() {
        return Map.copyOf(lastJoin);
    }

    /** Every client's state, by client name (see {@code summary()} in fleet.mjs). */
    public Map<String, JsonNode> report() {
        send(Map.of("cmd", "report"));
        try {
            JsonNode report = reports.poll(10, TimeUnit.SECONDS);
            if (report == null) {
                throw new AssertionError("no report from the fleet");
            }
            Map<String, JsonNode> byClient = new java.util.TreeMap<>();
            report.path("clients").forEach(c -> byClient.put(c.path("client").asText(), c));
            return byClient;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON object of socket.io-client options, for readability at call sites. */
    public static Map<String, Object> options(Object... pairs) {
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            options.put((String) pairs[i], pairs[i + 1]);
        }
        return options;
    }

    @Override
    public void close() {
        try {
            stdin.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
