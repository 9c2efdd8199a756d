package io.rtcio.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.rtcio.node.SignalingNode;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A bounded mutation fuzz of a running node while two well-behaved clients relay to each other:
 * malformed, mutated and known-hostile packets over WebSocket and long-polling, from fresh and
 * connected sessions. Afterwards the witnesses have lost nothing and seen nothing foreign, the node
 * is ready, holds no ghost sockets and no leftover session state, and its log grew by a bounded
 * amount. {@code -Dfuzz.seconds} (default 20) and {@code -Dfuzz.seed} (default 1) replay or extend it.
 */
class HostileFuzzIntegrationTests {

    private static final Duration SEND_EVERY = Duration.ofMillis(50);
    private static final long MAX_LOG_CHARS = 256 * 1024;
    private static final String RS = "\u001e";

    @Test
    void aFuzzedNodeLosesNothingForHonestClientsAndKeepsNothingOfTheFuzzer() throws Exception {
        int seconds = Integer.getInteger("fuzz.seconds", 20);
        long seed = Long.getLong("fuzz.seed", 1L);
        AtomicLong logged = new AtomicLong();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        AppenderBase<ILoggingEvent> counter = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.addAndGet(event.getFormattedMessage().length()
                        + (event.getThrowableProxy() == null ? 0 : 2_000));
            }
        };
        counter.start();
        root.addAppender(counter);
        // Short heartbeats: a session the fuzzer abandoned ends within 2 s, so whatever outlives that is a ghost.
        try (NodeCluster cluster = NodeCluster.start(1, Map.of("PING_INTERVAL_MS", "1000", "PING_TIMEOUT_MS", "1000"));
             TestClientFactory factory = TestClientFactory.java()) {
            SignalingNode node = cluster.node(0);
            String url = cluster.url(0);
            String room = "fuzz-witnesses-" + UUID.randomUUID();
            TestClient a = factory.connect(url, ClientOptions.of(ClientTransport.WEBSOCKET));
            TestClient b = factory.connect(url, ClientOptions.of(ClientTransport.POLLING_UPGRADE));
            a.emit("join-room", Map.of("roomId", room, "name", "a"));
            a.await("join-ok");
            b.emit("join-room", Map.of("roomId", room, "name", "b"));
            b.await("join-ok");
            int baselineStates = node.sessionStates();

            Fuzzer fuzzer = new Fuzzer(url, new Random(seed));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextRelay = System.nanoTime();
            int sent = 0;
            while (System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextRelay) {
                    a.emit("#rtcio:message", Map.of("target", b.socketId(), "data", Map.of("seq", sent)));
                    b.emit("#rtcio:message", Map.of("target", a.socketId(), "data", Map.of("seq", sent)));
                    sent++;
                    nextRelay += SEND_EVERY.toNanos();
                }
                fuzzer.oneRound();
            }
            fuzzer.close();
            int total = sent;

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    a.receivedSoFar("#rtcio:message").size() >= total && b.receivedSoFar("#rtcio:message").size() >= total);
            assertThat(sequence(a)).as("relays b→a, in order, none lost").isEqualTo(range(total));
            assertThat(sequence(b)).as("relays a→b, in order, none lost").isEqualTo(range(total));
            for (TestClient witness : List.of(a, b)) {
                assertThat(witness.receivedSoFar("user-connected")).as("introductions: the other witness at most")
                        .hasSizeLessThanOrEqualTo(1);
                assertThat(witness.receivedSoFar("error")).as("errors for honest traffic").isEmpty();
                assertThat(witness.receivedSoFar("chat-message")).as("fuzz chat reached a witness").isEmpty();
            }
            assertThat(a.isConnected()).isTrue();
            assertThat(b.isConnected()).isTrue();
            assertThat(node.isReady()).as("node ready after %d fuzz packets", fuzzer.packets).isTrue();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(node.metrics().registry().get("signaling.connections").gauge().value())
                        .as("sockets left on the node (ghosts)").isEqualTo(2.0);
                assertThat(node.sessionStates()).as("session state left by the fuzzer")
                        .isLessThanOrEqualTo(baselineStates);
            });
            assertThat(logged.get()).as("log growth, characters, for %d fuzz packets", fuzzer.packets)
                    .isLessThan(MAX_LOG_CHARS);
            assertThat(fuzzer.packets).as("packets fuzzed").isGreaterThan(1_000);
            java.nio.file.Path summary = java.nio.file.Path.of("target", "hostile-fuzz.txt");
            java.nio.file.Files.writeString(summary, String.format(
                    "seconds=%d seed=%d fuzzPackets=%d fuzzSessions=%d relaysEachWay=%d lost=0 logChars=%d%n",
                    seconds, seed, fuzzer.packets, fuzzer.sessions, total, logged.get()));
        } finally {
            root.detachAppender(counter);
        }
    }

    private static List<Integer> sequence(TestClient client) {
        List<Integer> seqs = new ArrayList<>();
        for (Received relay : client.receivedSoFar("#rtcio:message")) {
            Object data = relay.payload().get("data");
            seqs.add(((Number) ((Map<?, ?>) data).get("seq")).intValue());
        }
        return seqs;
    }

    private static List<Integer> range(int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(i);
        }
        return all;
    }

    /** Opens sessions and sends them mutated and hostile packets; never waits for answers. */
    private static final class Fuzzer implements AutoCloseable {

        private static final List<String> SEEDS = List.of("40", "40{\"token\":\"t\"}", "40/,{}", "41", "2probe", "3",
                "5", "6", "1", "42[\"join-room\",{\"roomId\":\"fz\",\"name\":\"f\"}]", "42[\"leave-room\",{\"roomId\":\"fz\"}]",
                "427[\"ask-ice\",{}]", "42[\"check-room\",{\"roomId\":\"fz\"}]",
                "42[\"#rtcio:message\",{\"target\":\"x\",\"data\":{\"a\":[1,2,null]}}]",
                "42[\"chat-message\",{\"roomId\":\"fz\",\"text\":\"hi\"}]", "43/x,1[1]", "451-[{\"_placeholder\":true,\"num\":0}]");

        private final String url;
        private final Random random;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final List<WebSocket> open = new ArrayList<>();
        int packets;
        int sessions;

        Fuzzer(String url, Random random) {
            this.url = url;
            this.random = random;
        }

        void oneRound() {
            try {
                if (random.nextBoolean()) {
                    websocketRound();
                } else {
                    pollingRound();
                }
            } catch (Exception e) {
                // The node may close a hostile session at any point; that is its right.
            }
        }

        private void websocketRound() throws Exception {
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                    webSocket.request(1);
                                    return null;
                                }
                            })
                    .get(2, TimeUnit.SECONDS);
            open.add(socket);
            sessions++;
            int count = 1 + random.nextInt(20);
            for (int i = 0; i < count; i++) {
                socket.sendText(packet(), true).get(2, TimeUnit.SECONDS);
                packets++;
            }
            if (open.size() > 8 || random.nextInt(3) == 0) {
                WebSocket oldest = open.remove(0);
                oldest.abort();
            }
        }

        private void pollingRound() throws Exception {
            HttpResponse<String> handshake = http.send(HttpRequest.newBuilder(
                    URI.create(url + "/socket.io/?EIO=4&transport=polling")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = handshake.body();
            sessions++;
            int start = body.indexOf("\"sid\":\"") + 7;
            String sid = body.substring(start, body.indexOf('"', start));
            int count = 1 + random.nextInt(30);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    batch.append(RS);
                }
                batch.append(packet());
                packets++;
            }
            String session = url + "/socket.io/?EIO=4&transport=polling&sid=" + sid;
            try {
                post(session, batch.toString());
            } finally {
                // End the session, as a closing browser tab would, unless the batch already did.
                post(session, "1");
            }
        }

        /**
         * netty-socketio closes a polling connection after each answer while announcing keep-alive,
         * so a reused connection can fail before the request is read; that one attempt is repeated.
         */
        private void post(String session, String body) throws Exception {
            for (int attempt = 1; ; attempt++) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create(session)).timeout(Duration.ofSeconds(2))
                                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return;
                } catch (java.io.IOException e) {
                    if (attempt >= 2) {
                        throw e;
                    }
                }
            }
        }

        /** One packet: a hostile classic, or a seed with a few random mutations. */
        private String packet() {
            switch (random.nextInt(12)) {
                case 0:
                    return "43" + "1".repeat(1 + random.nextInt(50_000)) + "[]";
                case 1: {
                    String chat = "42[\"chat-message\",{\"roomId\":\"fz\",\"text\":\"" + "x".repeat(random.nextInt(2_000)) + "\"}]";
                    return chat.length() + ":" + chat;
                }
                case 2:
                    return "1" + RS + "40" + RS + "42[\"join-room\",{\"roomId\":\"fz-ghost\",\"name\":\"g\"}]";
                case 3:
                    return "40{\"token\":\"eyJ" + "L".repeat(random.nextInt(20_000));
                case 4:
                    return ("2" + RS).repeat(1 + random.nextInt(500)) + "2";
                default:
                    return mutate(SEEDS.get(random.nextInt(SEEDS.size())));
            }
        }

        private String mutate(String seed) {
            StringBuilder text = new StringBuilder(seed);
            int mutations = random.nextInt(4);
            for (int i = 0; i < mutations && text.length() > 0; i++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(4)) {
                    case 0 -> text.insert(at, (char) random.nextInt(0x80));
                    case 1 -> text.deleteCharAt(at);
                    case 2 -> text.setCharAt(at, "0123456789/,[]{}\":-".charAt(random.nextInt(19)));
                    default -> text.insert(at, "9".repeat(1 + random.nextInt(30)));
                }
            }
            return text.toString();
        }

        @Override
        public void close() {
            open.forEach(WebSocket::abort);
            open.clear();
        }
    }
}
