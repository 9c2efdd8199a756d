package io.rtcio.node.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.node.SignalingNode;
import io.rtcio.node.harness.NodeCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node's edge spoken to in raw Engine.IO v4 / socket.io v5, over HTTP long-polling and
 * WebSocket, with nothing but the JDK: session ids, ordering of CONNECT and events, malformed
 * input, size limits, nulls, compression and the management port.
 */
class RawProtocolUnitTests {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** socket.io's public id shape: 20 URL-safe characters. */
    private static final Pattern PUBLIC_ID = Pattern.compile("[A-Za-z0-9_-]{20}");
    private static final String RECORD_SEPARATOR = "\u001e";
    /** Queued by WebSocket clients when the connection ends; never a real packet. */
    private static final String CLOSED = "\u0000closed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NodeCluster cluster;
    private static NodeCluster limitedCluster;
    private static NodeCluster strictCluster;
    private static HttpClient http;

    /** Every raw client a test opened; closed after each test. */
    private final List<RawClient> clients = new ArrayList<>();

    @BeforeAll
    static void startNode() {
        cluster = NodeCluster.start(1);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
        if (limitedCluster != null) {
            limitedCluster.close();
        }
        if (strictCluster != null) {
            strictCluster.close();
        }
    }

    /**
     * A node with MAX_EVENT_BYTES=65536 and MAX_FRAME_BYTES=131072, started by the first test
     * that needs it: a 100 KB event is above the event limit and below the frame limit, a 200 KB
     * frame above both.
     */
    private static synchronized NodeCluster limitedNode() {
        if (limitedCluster == null) {
            limitedCluster = NodeCluster.start(1, Map.of("MAX_EVENT_BYTES", "65536", "MAX_FRAME_BYTES", "131072"));
        }
        return limitedCluster;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RawClient::close);
        clients.clear();
    }

    // ------------------------------------------------------------------ session ids

    @Test
    void connectReplyCarriesAPublicIdThatIsNotTheEngineSession() {
        RawClient client = polling(cluster);

        String publicId = client.connect("40");

        assertThat(client.engineSid).isNotBlank();
        assertThat(publicId).matches(PUBLIC_ID).isNotEqualTo(client.engineSid);
        assertThat(client.engineSid).doesNotContain(publicId);
    }

    @Test
    void thePublicIdIsNotASessionCredential() throws Exception {
        String room = room();
        RawClient victim = polling(cluster);
        String victimId = victim.connect("40");
        join(victim, room, "victim");
        RawClient peer = websocket(cluster);
        peer.connect("40");
        peer.send(event("join-room", Map.of("roomId", room, "name", "peer")));
        // This is how anyone in the room learns the victim's public id.
        String announced = peer.await(named("user-connected"));
        assertThat(payload(announced).get("id").asText()).isEqualTo(victimId);
        peer.await(named("join-ok"));
        victim.await(named("#rtcio:init-offer"));
        peer.mark();
        victim.mark();

        String pollingUrl = base(cluster) + "/socket.io/?EIO=4&transport=polling&sid=" + victimId;
        // The three attempts run at once: each may take up to its 5 s timeout.
        CompletableFuture<Refusal> getting = CompletableFuture.supplyAsync(() ->
                request(HttpRequest.newBuilder(URI.create(pollingUrl)).GET()));
        CompletableFuture<Refusal> posting = CompletableFuture.supplyAsync(() ->
                request(HttpRequest.newBuilder(URI.create(pollingUrl))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                event("leave-room", Map.of("roomId", room)) + RECORD_SEPARATOR
                                        + event("chat-message", Map.of("roomId", room, "text", "hijacked"))))));
        CompletableFuture<WebSocket> hijackSocket = http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(wsBase(cluster) + "/socket.io/?EIO=4&transport=websocket&sid=" + victimId),
                        new WebSocket.Listener() { });

        boolean websocketRefused = websocketRefused(hijackSocket);
        Refusal get = getting.join();
        Refusal post = posting.join();

        // The victim is untouched: still in the room, can send and receive.
        victim.send(event("chat-message", Map.of("roomId", room, "text", "still here")));
        String chat = peer.await(named("chat-message"));
        assertThat(payload(chat).get("text").asText()).isEqualTo("still here");
        assertThat(payload(chat).get("from").asText()).isEqualTo(victimId);
        assertThat(peer.received()).as("nothing the hijacker sent reached the room").noneMatch(
                p -> isEvent(p, "user-disconnected") || p.contains("hijacked"));
        peer.send(event("#rtcio:message", Map.of("target", victimId, "data", Map.of("ping", 1))));
        String relayed = victim.await(named("#rtcio:message"));
        assertThat(payload(relayed).get("data").get("ping").asInt()).isEqualTo(1);
        assertThat(victim.received()).noneMatch(p -> p.contains("hijacked"));

        // Refused means answered with an error status, or the connection closed; not left hanging.
        SoftAssertions refusals = new SoftAssertions();
        refusals.assertThat(get.refused()).as("polling GET with the public id is refused: %s", get).isTrue();
        refusals.assertThat(post.refused()).as("polling POST with the public id is refused: %s", post).isTrue();
        refusals.assertThat(websocketRefused).as("WebSocket with the public id is refused, not left pending").isTrue();
        refusals.assertAll();
    }

    @Test
    void aHandshakeCarryingTheVictimsEngineSidGetsAFreshSession() throws Exception {
        RawClient victim = polling(cluster);
        String victimId = victim.connect("40");

        HttpResponse<String> fixation = sendRetryingStale(HttpRequest.newBuilder(URI.create(pollingHandshakeUrl(cluster)))
                .header("Cookie", "io=" + victim.engineSid)
                .header("io", victim.engineSid)
                .timeout(WAIT)
                .GET().build());

        assertThat(fixation.statusCode()).isEqualTo(200);
        assertThat(fixation.body()).startsWith("0{");
        String attackerSid = JSON.readTree(fixation.body().substring(1)).get("sid").asText();
        assertThat(attackerSid).isNotBlank().isNotEqualTo(victim.engineSid);

        // Same over a WebSocket handshake without a sid.
        RawClient wsAttacker = websocket(cluster, Map.of("Cookie", "io=" + victim.engineSid, "io", victim.engineSid));
        assertThat(wsAttacker.engineSid).isNotEqualTo(victim.engineSid);
        assertThat(wsAttacker.connect("40")).isNotEqualTo(victimId);

        probe(victim);
    }

    // ------------------------------------------------------------------ CONNECT ordering

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eventsBeforeTheNamespaceConnectAreDropped(Kind kind) {
        String room = room();
        RawClient member = websocket(cluster);
        member.connect("40");
        join(member, room, "member");
        member.mark();

        RawClient early = open(kind, cluster);
        String publicId = early.connect(
                event("join-room", Map.of("roomId", room, "name", "early")),
                event("chat-message", Map.of("roomId", room, "text", "too early")),
                "40");
        assertThat(publicId).matches(PUBLIC_ID);
        probe(early);

        assertThat(early.received()).as("no reply to events sent before CONNECT")
                .noneMatch(p -> isEvent(p, "join-ok") || isEvent(p, "user-connected") || isEvent(p, "join-error"));
        assertThat(probe(member)).as("the room saw nothing of the early join").isEmpty();

        // Properly connected now, the same client joins normally and the room sees it once.
        early.send(event("join-room", Map.of("roomId", room, "name", "early")));
        early.await(named("join-ok"));
        String connected = member.await(named("user-connected"));
        assertThat(payload(connected).get("id").asText()).isEqualTo(publicId);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBareConnectWithoutAuthObjectIsAdmitted(Kind kind) {
        RawClient client = open(kind, cluster);

        String publicId = client.connect("40");

        assertThat(publicId).matches(PUBLIC_ID);
        probe(client);
    }

    // ------------------------------------------------------------------ malformed input

    /** A bad packet, and the error code it must earn ({@code null}: dropped silently). */
    record Bad(String name, byte[] bytes, boolean binary, String code, String event) {

        static Bad text(String name, String packet, String code, String event) {
            return new Bad(name, packet.getBytes(StandardCharsets.UTF_8), false, code, event);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badInput() {
        String nested = "42[\"chat-message\"," + "[".repeat(5_000) + "]".repeat(5_000) + "]";
        List<Bad> cases = List.of(
                Bad.text("malformed JSON", "42[\"join-room\",{]", "invalid-payload", null),
                Bad.text("truncated event", "42[\"chat-message\",{\"roomId\":\"ROOM\",\"text\":\"hi\"}", "invalid-payload", null),
                Bad.text("trailing garbage", "42[\"chat-message\",{\"roomId\":\"ROOM\",\"text\":\"hi\"}]xyz", "invalid-payload", null),
                Bad.text("non-array event", "42{\"a\":1}", "invalid-payload", null),
                Bad.text("event without body", "42", "invalid-payload", null),
                Bad.text("non-string event name", "42[1,2]", "invalid-payload", null),
                Bad.text("unknown event", "42[\"nope\",{}]", "invalid-payload", "nope"),
                Bad.text("unknown event with ack id", "427[\"nope\",{}]", "invalid-payload", "nope"),
                Bad.text("server-only event name", "42[\"user-connected\",{\"id\":\"x\"}]", "invalid-payload",
                        "user-connected"),
                Bad.text("binary event", "451-[\"x\",{\"_placeholder\":true,\"num\":0}]", "invalid-payload", null),
                Bad.text("binary ack", "461-3[{\"_placeholder\":true,\"num\":0}]", "invalid-payload", null),
                Bad.text("deeply nested JSON", nested, "invalid-payload", null),
                Bad.text("non-object payload of a known event", "42[\"join-room\",\"ROOM\"]", "invalid-payload",
                        "join-room"),
                Bad.text("empty room id", "42[\"chat-message\",{\"roomId\":\"\",\"text\":\"x\"}]", "invalid-room",
                        "chat-message"),
                Bad.text("junk text", "hello, is this socket.io?", null, null),
                Bad.text("unknown socket.io packet type", "49[\"chat-message\",{}]", null, null),
                Bad.text("socket.io type byte that is not a digit", "4x", null, null),
                new Bad("junk bytes", new byte[] {0x00, (byte) 0xff, 0x13, 0x37, (byte) 0xc3, 0x28}, true, null, null));
        List<Arguments> arguments = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Bad bad : cases) {
                arguments.add(Arguments.of(kind, bad));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("badInput")
    void badInputIsRefusedAndTheConnectionStaysUsable(Kind kind, Bad bad) {
        String room = room();
        RawClient observer = websocket(cluster);
        observer.connect("40");
        join(observer, room, "observer");
        RawClient sender = open(kind, cluster);
        String senderId = sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();
        sender.mark();

        Packet packet = bad.binary() ? new Packet(bad.bytes(), true)
                : Packet.text(new String(bad.bytes(), StandardCharsets.UTF_8).replace("ROOM", room));
        List<String> before = probeAfter(sender, List.of(packet));

        List<String> errors = before.stream().filter(p -> isEvent(p, "error")).toList();
        if (bad.code() == null) {
            assertThat(before).as("dropped silently").isEmpty();
        } else {
            assertThat(errors).as("one error for %s, got %s", bad, before).hasSize(1);
            JsonNode error = payload(errors.get(0));
            assertThat(error.get("code").asText()).isEqualTo(bad.code());
            assertThat(error.get("message").asText()).isNotBlank();
            if (bad.event() != null) {
                assertThat(error.get("event").asText()).isEqualTo(bad.event());
            }
            assertThat(before).as("nothing but the error (and a join-error for joins)")
                    .allMatch(p -> isEvent(p, "error") || isEvent(p, "join-error"));
        }
        assertThat(probe(observer)).as("the other member got nothing").isEmpty();

        // Still a member, still relayed; the node still admits newcomers.
        sender.send(event("chat-message", Map.of("roomId", room, "text", "after")));
        String chat = observer.await(named("chat-message"));
        assertThat(payload(chat).get("from").asText()).isEqualTo(senderId);
        assertThat(cluster.node(0).isReady()).isTrue();
        assertThat(websocket(cluster).connect("40")).matches(PUBLIC_ID);
    }

    @Test
    void theGoodPacketsOfAPollingBatchWithABadOneAreProcessed() {
        String room = room();
        RawClient observer = websocket(cluster);
        observer.connect("40");
        join(observer, room, "observer");
        RawClient sender = polling(cluster);
        String senderId = sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();
        sender.mark();

        sender.send(
                event("check-room", Map.of("roomId", "batch-a")),
                "42[\"nope\",{}]",
                "junk",
                "42[\"join-room\",{]",
                event("chat-message", Map.of("roomId", room, "text", "good one")),
                event("check-room", Map.of("roomId", "batch-b")));

        sender.await(p -> isEvent(p, "room-check-ok") && payload(p).get("roomId").asText().equals("batch-b"));
        List<String> replies = sender.received();
        assertThat(replies).filteredOn(p -> isEvent(p, "room-check-ok"))
                .extracting(p -> payload(p).get("roomId").asText())
                .containsExactly("batch-a", "batch-b");
        assertThat(replies).filteredOn(p -> isEvent(p, "error"))
                .extracting(p -> payload(p).get("code").asText())
                .containsExactly("invalid-payload", "invalid-payload");
        String chat = observer.await(named("chat-message"));
        assertThat(payload(chat).get("text").asText()).isEqualTo("good one");
        assertThat(payload(chat).get("from").asText()).isEqualTo(senderId);
        assertThat(observer.received()).hasSize(1);
    }

    /**
     * engine.io-client sends its next POST as soon as the previous one is answered, and expects
     * the server to handle them in that order (an ICE candidate must not overtake its offer).
     */
    @Test
    void consecutivePollingPostsAreHandledInTheOrderSent() {
        RawClient receiver = websocket(cluster);
        String receiverId = receiver.connect("40");
        RawClient sender = polling(cluster);
        sender.connect("40");
        String room = room(); // relays reach only sockets that share a room with the sender (RELAY_POLICY)
        join(receiver, room, "receiver");
        join(sender, room, "sender");
        String sdp = "v=0 " + "a".repeat(60_000);
        int messages = 40;

        for (int seq = 0; seq < messages; seq++) {
            Map<String, Object> data = seq % 2 == 0 ? Map.of("seq", seq, "sdp", sdp) : Map.of("seq", seq);
            sender.send(event("#rtcio:message", Map.of("target", receiverId, "data", data)));
        }

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            order.add(payload(receiver.await(named("#rtcio:message"))).get("data").get("seq").asInt());
        }
        assertThat(order).as("arrival order of one polling sender's messages, each in its own POST: %s", order)
                .isSorted();
    }

    /**
     * netty-socketio writes at most 50 packets into one polling response; its own encoder took the
     * 51st off the queue and dropped it. Every packet waiting for a polling client must arrive, in
     * order, however many GETs it takes.
     */
    @Test
    void morePacketsThanOnePollingResponseHoldsAllArriveInOrder() {
        RawClient receiver = polling(cluster);
        String receiverId = receiver.connect("40");
        RawClient sender = websocket(cluster);
        sender.connect("40");
        String room = room();
        join(receiver, room, "receiver");
        join(sender, room, "sender");
        receiver.await(named("user-connected"));
        int messages = 120;
        List<Packet> relays = new ArrayList<>();
        for (int seq = 0; seq < messages; seq++) {
            relays.add(Packet.text(event("#rtcio:message", Map.of("target", receiverId, "data", Map.of("seq", seq)))));
        }

        // The receiver sends no GET until the sender's check-room, sent after the relays, is answered:
        // by then the relays wait in the receiver's queue, more than one response holds.
        sender.sendInOrder(relays);
        sender.send(event("check-room", Map.of("roomId", room)));
        sender.await(named("room-check-ok"));

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String relay = receiver.awaitOrNull(named("#rtcio:message"));
            if (relay == null) {
                break;
            }
            order.add(payload(relay).get("data").get("seq").asInt());
        }
        assertThat(order).as("relays received by the polling client").hasSize(messages).isSorted().doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------ size limits

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEventAboveTheEventLimitIsRefusedAndTheConnectionSurvives(Kind kind) {
        NodeCluster limited = limitedNode();
        String room = room();
        RawClient observer = websocket(limited);
        observer.connect("40");
        join(observer, room, "observer");
        RawClient sender = open(kind, limited);
        sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();
        sender.mark();

        String big = event("chat-message", Map.of("roomId", room, "text", "x".repeat(100_000)));
        assertThat(big.length()).isBetween(65_537, limited.node(0).config().maxFrameBytes() - 1);
        List<String> before = probeAfter(sender, List.of(Packet.text(big)));

        assertThat(before).hasSize(1);
        JsonNode error = payload(before.get(0));
        assertThat(isEvent(before.get(0), "error")).isTrue();
        assertThat(error.get("code").asText()).isEqualTo("payload-too-large");
        assertThat(error.get("event").asText()).isEqualTo("chat-message");
        assertThat(probe(observer)).as("the oversized event reached nobody").isEmpty();

        sender.send(event("chat-message", Map.of("roomId", room, "text", "small")));
        assertThat(payload(observer.await(named("chat-message"))).get("text").asText()).isEqualTo("small");
    }

    @Test
    void aWebSocketFrameAboveTheFrameLimitClosesOnlyThatTransport() {
        NodeCluster limited = limitedNode();
        String room = room();
        RawClient observer = websocket(limited);
        observer.connect("40");
        join(observer, room, "observer");
        FrameClient sender = new FrameClient(limited.node(0).config().port());
        clients.add(sender);
        String senderId = sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();

        // One single WebSocket frame of about 200 KB, as browsers send a message.
        sender.send(event("chat-message", Map.of("roomId", room, "text", "y".repeat(200_000))));

        await().atMost(WAIT).until(sender.closed::isDone);
        // A close frame (1009, message too big, or the server's normal 1000) when it makes it; the
        // server closes with the rest of the frame unread, so the kernel may reset the connection first (-1).
        assertThat(sender.closed.join()).as("close code").isIn(1009, 1000, -1);
        String left = observer.await(named("#rtcio:peer-left"));
        assertThat(payload(left).get("id").asText()).isEqualTo(senderId);
        assertThat(observer.received()).noneMatch(p -> isEvent(p, "chat-message"));
        probe(observer);
        assertThat(limited.node(0).isReady()).isTrue();
        assertThat(websocket(limited).connect("40")).matches(PUBLIC_ID);
        assertThat(polling(limited).connect("40")).matches(PUBLIC_ID);
    }

    @Test
    void anOversizedMessageSplitOverSeveralFramesIsNotDroppedSilently() {
        NodeCluster limited = limitedNode();
        String room = room();
        RawClient observer = websocket(limited);
        observer.connect("40");
        join(observer, room, "observer");
        FrameClient sender = new FrameClient(limited.node(0).config().port());
        clients.add(sender);
        String senderId = sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();

        // The same 200 KB message in four fragments, each below the frame limit (java.net.http
        // fragments large messages like this).
        sender.sendFragmented(event("chat-message", Map.of("roomId", room, "text", "y".repeat(200_000))), 4);
        String probeRoom = "probe-" + UUID.randomUUID();
        sender.send(event("check-room", Map.of("roomId", probeRoom)));
        String reply = sender.awaitOrNull(p -> isEvent(p, "room-check-ok")
                && probeRoom.equals(payload(p).get("roomId").asText()));

        if (reply == null) {
            // Closed like a single oversized frame: the room is told the sender left.
            await().atMost(WAIT).until(sender.closed::isDone);
            String left = observer.await(named("#rtcio:peer-left"));
            assertThat(payload(left).get("id").asText()).isEqualTo(senderId);
            assertThat(observer.received()).noneMatch(p -> isEvent(p, "chat-message"));
        } else {
            assertThat(probe(observer)).as("the oversized message reached nobody").isEmpty();
            assertThat(sender.received())
                    .as("an oversized message must not vanish silently: the transport is closed, or the "
                            + "sender gets error payload-too-large; got neither, the connection stayed open")
                    .anyMatch(p -> isEvent(p, "error") && "payload-too-large".equals(payload(p).get("code").asText()));
        }
        assertThat(limited.node(0).isReady()).isTrue();
    }

    @Test
    void aPollingBodyAboveTheFrameLimitIsRefusedAndTheSessionSurvives() throws Exception {
        NodeCluster limited = limitedNode();
        PollingClient sender = (PollingClient) polling(limited);
        sender.connect("40");

        String room = room();
        join(sender, room, "sender");
        RawClient observer = websocket(limited);
        observer.connect("40");
        join(observer, room, "observer");
        sender.await(named("#rtcio:init-offer"));
        sender.mark();
        observer.mark();

        // On a connection of its own, so no pooled connection the server already closed gets in the way.
        byte[] body = event("chat-message", Map.of("roomId", room, "text", "z".repeat(200_000)))
                .getBytes(StandardCharsets.UTF_8);
        int port = limited.node(0).config().port();
        Refusal refusal;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            try {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sender.engineSid + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + port + "\r\n"
                        + "Content-Type: text/plain;charset=UTF-8\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String status = readResponseHead(socket.getInputStream()).get(0);
                refusal = new Refusal(Integer.parseInt(status.split(" ")[1]), "", null);
            } catch (IOException e) {
                refusal = new Refusal(-1, "", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        // netty's 413 is written below the HTTP encoder in netty-socketio's pipeline, so the
        // client sees the connection closed instead; either way the body is not processed.
        assertThat(refusal.refused()).as("%s", refusal).isTrue();
        assertThat(probe(sender)).isEmpty();
        assertThat(probe(observer)).as("nothing of the oversized body was relayed").isEmpty();
        sender.send(event("chat-message", Map.of("roomId", room, "text", "small")));
        assertThat(payload(observer.await(named("chat-message"))).get("text").asText()).isEqualTo("small");
        assertThat(limited.node(0).isReady()).isTrue();
    }

    // ------------------------------------------------------------------ payload fidelity

    @Test
    void nullsInsidePayloadsSurviveARelay() throws Exception {
        try (NodeCluster two = NodeCluster.start(2)) {
            String room = room();
            RawClient sender = websocket(two, 0);
            String senderId = sender.connect("40");
            RawClient local = websocket(two, 0);
            String localId = local.connect("40");
            RawClient remote = websocket(two, 1);
            String remoteId = remote.connect("40");
            join(sender, room, "sender"); // relays reach only sockets that share a room with the sender
            join(local, room, "local");
            join(remote, room, "remote");

            Map<String, Object> data = new LinkedHashMap<>();
            data.put("a", null);
            data.put("nested", mapWithNull("b"));
            data.put("list", java.util.Arrays.asList(null, 1));
            for (String target : List.of(localId, remoteId)) {
                Map<String, Object> envelope = new LinkedHashMap<>();
                envelope.put("target", target);
                envelope.put("data", data);
                sender.send(event("#rtcio:message", envelope));
            }
            for (RawClient receiver : List.of(local, remote)) {
                JsonNode message = payload(receiver.await(named("#rtcio:message")));
                assertThat(message.get("source").asText()).isEqualTo(senderId);
                JsonNode relayed = message.get("data");
                assertThat(relayed.has("a")).as("key with a null value kept").isTrue();
                assertThat(relayed.get("a").isNull()).isTrue();
                assertThat(relayed.get("nested").has("b")).isTrue();
                assertThat(relayed.get("nested").get("b").isNull()).isTrue();
                assertThat(relayed.get("list").get(0).isNull()).isTrue();
            }

            // And through a room broadcast, across nodes.
            join(local, room, "local");
            join(remote, room, "remote");
            join(sender, room, "sender");
            Map<String, Object> chat = mapWithNull("extra");
            chat.put("roomId", room);
            chat.put("text", "with a null");
            sender.send(event("chat-message", chat));
            for (RawClient receiver : List.of(local, remote)) {
                JsonNode message = payload(receiver.await(named("chat-message")));
                assertThat(message.has("extra")).isTrue();
                assertThat(message.get("extra").isNull()).isTrue();
            }
        }
    }

    @Test
    void aRelayReachesItsTargetAsTheSenderWroteIt() throws Exception {
        try (NodeCluster two = NodeCluster.start(2)) {
            String room = room();
            RawClient sender = websocket(two, 0);
            String senderId = sender.connect("40");
            RawClient local = websocket(two, 0);
            String localId = local.connect("40");
            RawClient remote = websocket(two, 1);
            String remoteId = remote.connect("40");
            join(sender, room, "sender");
            join(local, room, "local");
            join(remote, room, "remote");

            for (RawClient receiver : List.of(local, remote)) {
                String target = receiver == local ? localId : remoteId;
                // Formatting a re-encoding would change: a trailing zero, an escape, a spoofed source, a space.
                String body = "{\"source\":\"spoofed\",\"target\":\"" + target
                        + "\",\"data\":{\"n\":2.50,\"s\":\"\\u00e9\\r\\n\", \"e\":[]}}";
                sender.send("42[\"#rtcio:message\"," + body + "]");

                String frame = receiver.await(named("#rtcio:message"));
                assertThat(frame).isEqualTo("42[\"#rtcio:message\",{\"target\":\"" + target
                        + "\",\"data\":{\"n\":2.50,\"s\":\"\\u00e9\\r\\n\", \"e\":[]},\"source\":\"" + senderId + "\"}]");
            }
        }
    }

    @Test
    void aRelayAboveTheFrameLimitArrivesWholeInContinuationFrames() throws Exception {
        // The relay adds the source, so a sent frame just under MAX_FRAME_BYTES leaves the node above it.
        try (NodeCluster small = NodeCluster.start(1, Map.of("MAX_EVENT_BYTES", "2048", "MAX_FRAME_BYTES", "2048"))) {
            String room = room();
            RawClient sender = websocket(small, 0);
            String senderId = sender.connect("40");
            RawClient receiver = websocket(small, 0);
            String receiverId = receiver.connect("40");
            join(sender, room, "sender");
            join(receiver, room, "receiver");

            String head = "42[\"#rtcio:message\",{\"target\":\"" + receiverId + "\",\"data\":\"";
            String filler = "x".repeat(2040 - head.length() - 3);
            sender.send(head + filler + "\"}]");

            String frame = receiver.await(named("#rtcio:message"));
            assertThat(frame).hasSizeGreaterThan(2048)
                    .isEqualTo(head + filler + "\",\"source\":\"" + senderId + "\"}]");
        }
    }

    // ------------------------------------------------------------------ transport settings

    @Test
    void webSocketCompressionIsNeverNegotiated() throws Exception {
        int port = cluster.node(0).config().port();
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            List<String> head = readResponseHead(socket.getInputStream());

            assertThat(head.get(0)).startsWith("HTTP/1.1 101");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            assertThat(headers).containsEntry("sec-websocket-accept", accept);
            assertThat(headers).doesNotContainKey("sec-websocket-extensions");
        }
    }

    // ------------------------------------------------------------------ management port

    @Test
    void managementPortServesHealthReadinessAndMetrics() throws Exception {
        String management = cluster.managementUrl(0);
        RawClient connected = websocket(cluster);
        connected.connect("40");

        HttpResponse<String> health = get(management + "/health");
        HttpResponse<String> ready = get(management + "/ready");
        HttpResponse<String> metrics = get(management + "/metrics");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("signaling_connections");
        java.util.regex.Matcher gauge = Pattern.compile("(?m)^signaling_connections\\{[^}]*} ([0-9.]+)$")
                .matcher(metrics.body());
        assertThat(gauge.find()).as("a signaling_connections sample in %s", metrics.body()).isTrue();
        assertThat(Double.parseDouble(gauge.group(1))).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void publicPortDoesNotServeHealth() {
        Refusal health = request(HttpRequest.newBuilder(URI.create(base(cluster) + "/health")).GET());

        assertThat(health.status()).as("%s", health).isNotEqualTo(200);
        assertThat(health.body()).doesNotContain("status");
    }

    // ------------------------------------------------------------------ hostile input

    /** A node with a short connect timeout and a small room cap, started by the first test that needs it. */
    private static synchronized NodeCluster strictNode() {
        if (strictCluster == null) {
            strictCluster = NodeCluster.start(1, Map.of("CONNECT_TIMEOUT_MS", "1000", "MAX_ROOMS_PER_SOCKET", "3",
                    "RATE_LIMIT_EVENTS_PER_SEC", "0"));
        }
        return strictCluster;
    }

    /** Round trip of a {@code 2probe} on a WebSocket: the time until its {@code 3probe}, the best of three. */
    private static Duration probeRoundTrip(WsClient client) {
        Duration best = null;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            client.send("2probe");
            client.await("3probe"::equals);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            best = best == null || took.compareTo(best) < 0 ? took : best;
        }
        return best;
    }

    /** An ack id header of 200k digits, and one of 60k digits inside the event size limit. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"43|200000|[]", "42|60000|[\"check-room\",{\"roomId\":\"x\"}]"})
    void aHugeAckIdHeaderCostsTheConnectionNothing(String shape) {
        String[] parts = shape.split("\\|");
        WsClient client = (WsClient) websocket(cluster);
        Duration baseline = probeRoundTrip(client);

        client.send(parts[0] + "1".repeat(Integer.parseInt(parts[1])) + parts[2]);
        Duration after = probeRoundTrip(client);

        assertThat(after.minus(baseline)).as("2probe after a %s-digit header (baseline %s)", parts[1], baseline)
                .isLessThan(Duration.ofMillis(100));
        assertThat(client.connect("40")).matches(PUBLIC_ID);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLengthPrefixedEventIsRefusedLikeAnyMalformedPacket(Kind kind) {
        String room = room();
        RawClient observer = websocket(cluster);
        observer.connect("40");
        join(observer, room, "observer");
        RawClient sender = open(kind, cluster);
        String senderId = sender.connect("40");
        join(sender, room, "sender");
        observer.await(named("#rtcio:init-offer"));
        observer.mark();

        String chat = event("chat-message", Map.of("roomId", room, "text", "smuggled"));
        String oversized = event("chat-message", Map.of("roomId", room, "text", "x", "pad", "B".repeat(300_000)));
        sender.send(chat.length() + ":" + chat);
        sender.send(oversized.length() + ":" + oversized);
        probe(sender);

        assertThat(probe(observer)).as("nothing smuggled reached the room").isEmpty();
        sender.send(event("chat-message", Map.of("roomId", room, "text", "plain")));
        assertThat(payload(observer.await(named("chat-message"))).get("from").asText()).isEqualTo(senderId);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBatchThatClosesItsSessionAdmitsNothingAfterTheClose(Kind kind) {
        String room = room();
        SignalingNode node = cluster.node(0);
        double before = connections(node);
        String join = event("join-room", Map.of("roomId", room, "name", "ghost"));
        byte[] batch = ("1" + RECORD_SEPARATOR + "40" + RECORD_SEPARATOR + join).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            RawClient ghost = open(kind, cluster);
            ghost.sendInOrder(List.of(new Packet(batch, false)));
        }

        RawClient newcomer = websocket(cluster);
        newcomer.connect("40");
        newcomer.send(event("join-room", Map.of("roomId", room, "name", "newcomer")));
        newcomer.await(named("join-ok"));
        assertThat(probe(newcomer)).as("no ghost introduced").noneMatch(p -> isEvent(p, "user-connected"));
        // At most the newcomer more: a socket of an earlier test may still be ending (and lower the
        // count), but none of the three ghosts may have become a socket.
        assertThat(connections(node)).as("sockets on the node").isLessThanOrEqualTo(before + 1);
    }

    private static double connections(SignalingNode node) {
        return node.metrics().registry().get("signaling.connections").gauge().value();
    }

    @Test
    void twentyThousandPingsInOnePostDoNotGrowTheHeap() {
        PollingClient client = (PollingClient) polling(cluster);
        long before = heapAfterGc();

        String pings = String.join(RECORD_SEPARATOR, java.util.Collections.nCopies(20_000, "2"));
        HttpResponse<String> response = client.post(pings.getBytes(StandardCharsets.US_ASCII));
        long after = heapAfterGc();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(after - before).as("heap growth in bytes").isLessThan(5L * 1024 * 1024);
        assertThat(cluster.node(0).isReady()).isTrue();
    }

    private static long heapAfterGc() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMalformedHugeConnectLeavesNoTraceOfItselfInTheLog(Kind kind) {
        String canary = "eyJCANARY" + UUID.randomUUID();
        StringBuilder logged = new StringBuilder();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level level = root.getLevel();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> capture = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                synchronized (logged) {
                    logged.append(event.getFormattedMessage()).append('\n');
                    if (event.getThrowableProxy() != null) {
                        logged.append(event.getThrowableProxy().getMessage()).append('\n');
                    }
                }
            }
        };
        capture.start();
        // What a node logs in production (INFO and above), captured rather than printed.
        root.addAppender(capture);
        java.util.Iterator<ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent>> appenders =
                root.iteratorForAppenders();
        List<ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent>> printing = new ArrayList<>();
        appenders.forEachRemaining(appender -> {
            if (appender != capture) {
                printing.add(appender);
            }
        });
        printing.forEach(root::detachAppender);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            RawClient client = open(kind, cluster);
            client.send("40{\"token\":\"" + canary + "\",\"x\":\"" + "L".repeat(100_000));
            client.send("40{\"token\":\"" + canary + "\",\"nested\":" + "[{\"a\":".repeat(1_000));
            assertThat(client.connect("40")).matches(PUBLIC_ID);
        } finally {
            root.setLevel(level);
            printing.forEach(root::addAppender);
            root.detachAppender(capture);
        }
        synchronized (logged) {
            assertThat(logged.length()).as("log growth, in characters: %s", logged).isLessThan(1024);
            assertThat(logged.toString()).doesNotContain("CANARY");
        }
    }

    @Test
    void aSessionThatEndsItsNamespaceAndGoesOnLeavesNoStateBehind() {
        SignalingNode node = cluster.node(0);
        int baseline = node.sessionStates();
        for (int i = 0; i < 20; i++) {
            WsClient client = (WsClient) websocket(cluster);
            client.connect("40");
            client.send("41");
            client.sendQuietly("2");
            client.sendQuietly("42[\"check-room\",{\"roomId\":\"x\"}]");
            client.close();
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(node.sessionStates()).as("per-session state").isLessThanOrEqualTo(baseline));
    }

    @Test
    void aSocketCanBeInAtMostTheConfiguredNumberOfRooms() {
        RawClient client = websocket(strictNode());
        client.connect("40");
        for (int i = 0; i < 3; i++) {
            join(client, room(), "n");
        }
        String fourth = room();
        client.send(event("join-room", Map.of("roomId", fourth, "name", "n")));

        JsonNode joinError = payload(client.await(named("join-error")));
        assertThat(joinError.get("reason").asText()).isEqualTo("too-many-rooms");
        assertThat(joinError.get("roomId").asText()).isEqualTo(fourth);
        assertThat(client.received()).filteredOn(named("error"))
                .extracting(p -> payload(p).get("code").asText()).containsExactly("too-many-rooms");
        // Leaving one makes room for another.
        client.mark();
        client.send(event("leave-room", Map.of("roomId", fourth)));
        probe(client);
    }

    @Test
    void aSessionThatNeverConnectsIsClosedAfterTheConnectTimeout() {
        WsClient idle = (WsClient) websocket(strictNode());
        WsClient connected = (WsClient) websocket(strictNode());
        connected.connect("40");

        assertThat(idle.closed).as("closed by the server").succeedsWithin(WAIT);
        assertThat(connected.closed).isNotDone();
        probe(connected);
    }

    @Test
    void theHeartbeatIsTheAnswerToPingsNotTraffic() {
        try (NodeCluster node = NodeCluster.start(1, Map.of("PING_INTERVAL_MS", "1000", "PING_TIMEOUT_MS", "1000",
                "RATE_LIMIT_EVENTS_PER_SEC", "0"))) {
            WsClient mute = (WsClient) websocket(node);
            mute.answersPings = false;
            mute.connect("40");
            WsClient healthy = (WsClient) websocket(node);
            healthy.connect("40");

            // Events do not stand in for the missing pongs: the session ends after interval + timeout.
            String ask = event("ask-ice", Map.of());
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                mute.sendQuietly(ask);
                assertThat(mute.closed).as("closed; received %s", mute.received()).isDone();
            });
            assertThat(healthy.closed).isNotDone();
            probe(healthy);
        }
    }

    @Test
    void aPollingClientThatStopsReadingIsCutOffInsteadOfQueuedForWithoutBound() {
        NodeCluster node = strictNode();
        String room = room();
        RawClient reader = polling(node);
        String readerId = reader.connect("40");
        join(reader, room, "stops reading");
        RawClient sender = websocket(node);
        sender.connect("40");
        join(sender, room, "sender");
        double before = connections(node.node(0));
        double slowReadersBefore = node.node(0).metrics()
                .connectionsClosed(io.rtcio.node.metrics.SignalingMetrics.CloseReason.SLOW_READER);

        // The reader sends no more GETs; more relays than a session may have waiting for it.
        String relay = event("#rtcio:message", Map.of("target", readerId, "data", Map.of("n", 1)));
        List<Packet> relays = java.util.Collections.nCopies(io.rtcio.node.session.LocalSocket.MAX_QUEUED_PACKETS + 50,
                Packet.text(relay));
        sender.sendInOrder(relays);

        await().atMost(WAIT).untilAsserted(() -> assertThat(connections(node.node(0))).isEqualTo(before - 1));
        assertThat(sender.await(named("user-disconnected"))).contains(readerId);
        await().atMost(WAIT).untilAsserted(() -> assertThat(node.node(0).metrics()
                .connectionsClosed(io.rtcio.node.metrics.SignalingMetrics.CloseReason.SLOW_READER))
                .as("counted once, as a slow reader").isEqualTo(slowReadersBefore + 1));
    }

    @Test
    void ackIdsAreNonNegativeIntegersOfBoundedLength() {
        RawClient client = websocket(cluster);
        client.connect("40");

        List<String> replies = probeAfter(client, List.of(Packet.text("42-1[\"ask-ice\"]"),
                Packet.text("4218446744073709551616[\"ask-ice\"]"), Packet.text("422147483648[\"ask-ice\"]")));

        assertThat(replies).filteredOn(named("error"))
                .extracting(p -> payload(p).get("code").asText())
                .containsExactly("invalid-payload", "invalid-payload", "invalid-payload");
        assertThat(replies).noneMatch(p -> p.startsWith("43"));
        client.send("422147483647[\"ask-ice\"]");
        assertThat(client.await(p -> p.startsWith("43"))).startsWith("432147483647[");
        client.send("420[\"ask-ice\"]");
        assertThat(client.await(p -> p.startsWith("43"))).startsWith("430[");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectNamingTheDefaultNamespaceIsAccepted(Kind kind) {
        assertThat(open(kind, cluster).connect("40/,{}")).matches(PUBLIC_ID);
    }

    @Test
    void anUnknownNamespaceIsNeverEchoedBack() {
        RawClient client = websocket(cluster);
        client.connect("40");
        String namespace = "/" + "n".repeat(10_000);

        List<String> replies = probeAfter(client, List.of(Packet.text("42" + namespace + ",[\"x\",{}]"),
                Packet.text("40" + namespace + ",{}"), Packet.text("40/unknown,{}")));

        assertThat(replies).noneMatch(p -> p.contains("nnnnnnnnnn"));
        assertThat(replies).contains("44/unknown,{\"message\":\"Invalid namespace\"}");
    }

    // ================================================================== helpers

    enum Kind { POLLING, WEBSOCKET }

    private RawClient open(Kind kind, NodeCluster target) {
        return kind == Kind.POLLING ? polling(target) : websocket(target);
    }

    private RawClient polling(NodeCluster target) {
        PollingClient client = new PollingClient(base(target), Map.of());
        clients.add(client);
        return client;
    }

    private RawClient websocket(NodeCluster target) {
        return websocket(target, 0);
    }

    private RawClient websocket(NodeCluster target, int node) {
        WsClient client = new WsClient(wsBase(target, node), Map.of());
        clients.add(client);
        return client;
    }

    private RawClient websocket(NodeCluster target, Map<String, String> headers) {
        WsClient client = new WsClient(wsBase(target, 0), headers);
        clients.add(client);
        return client;
    }

    private static String base(NodeCluster target) {
        return target.url(0);
    }

    private static String wsBase(NodeCluster target) {
        return wsBase(target, 0);
    }

    private static String wsBase(NodeCluster target, int node) {
        return target.url(node).replaceFirst("^http", "ws");
    }

    private static String pollingHandshakeUrl(NodeCluster target) {
        return base(target) + "/socket.io/?EIO=4&transport=polling";
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    private static Map<String, Object> mapWithNull(String key) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, null);
        return map;
    }

    /** {@code 42["name",payload]}. */
    private static String event(String name, Object payload) {
        try {
            return "42" + JSON.writeValueAsString(java.util.Arrays.asList(name, payload));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean isEvent(String packet, String name) {
        if (!packet.startsWith("42[")) {
            return false;
        }
        try {
            JsonNode array = JSON.readTree(packet.substring(2));
            return array.isArray() && array.size() > 0 && name.equals(array.get(0).asText());
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static Predicate<String> named(String name) {
        return packet -> isEvent(packet, name);
    }

    /** The first argument of an event packet. */
    private static JsonNode payload(String packet) {
        try {
            return JSON.readTree(packet.substring(2)).get(1);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not an event packet: " + packet, e);
        }
    }

    private static void join(RawClient client, String room, String name) {
        client.send(event("join-room", Map.of("roomId", room, "name", name)));
        client.await(named("join-ok"));
    }

    /**
     * A round trip through the socket's ordered event queue: {@code check-room} on a fresh room
     * until its {@code room-check-ok}. Returns what arrived before it (since the last mark) and
     * marks. Anything the server sent this client earlier has arrived by then.
     */
    private static List<String> probe(RawClient client) {
        return probeAfter(client, List.of());
    }

    /** {@link #probe}, with {@code first} sent ahead of it in the same order-keeping send. */
    private static List<String> probeAfter(RawClient client, List<Packet> first) {
        String probeRoom = "probe-" + UUID.randomUUID();
        List<Packet> packets = new ArrayList<>(first);
        packets.add(Packet.text(event("check-room", Map.of("roomId", probeRoom))));
        client.sendInOrder(packets);
        client.await(p -> isEvent(p, "room-check-ok") && probeRoom.equals(payload(p).get("roomId").asText()));
        List<String> before = client.received();
        before = before.subList(0, before.size() - 1);
        client.mark();
        return before;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return sendRetryingStale(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).GET().build());
    }

    /**
     * netty-socketio answers every polling request with {@code Connection: keep-alive} and then
     * closes the connection. HttpClient may reuse such a connection before it notices the close;
     * the request then fails with "header parser received no bytes" without the server having
     * read it (it closed the connection right after its previous response). Browsers resend in
     * that case; so does this. A server that keeps closing without answering still fails.
     */
    private static HttpResponse<String> sendRetryingStale(HttpRequest request) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
            }
        }
    }

    /** What the server answered: an HTTP status, or how the exchange failed. */
    record Refusal(int status, String body, String failure) {

        /** A 4xx/5xx answer, or a connection the server closed without one. */
        boolean refused() {
            return status >= 400 || (status < 0 && !failure.contains("HttpTimeoutException"));
        }
    }

    private static Refusal request(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = sendRetryingStale(builder.timeout(Duration.ofSeconds(5)).build());
            return new Refusal(response.statusCode(), response.body(), null);
        } catch (IOException e) {
            return new Refusal(-1, "", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True when the opening handshake failed (not by timing out), or the socket was closed at once. */
    private static boolean websocketRefused(CompletableFuture<WebSocket> opening) {
        try {
            WebSocket socket = opening.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.abort();
            return false;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof java.net.http.HttpTimeoutException);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readResponseHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return List.of(text.substring(0, text.length() - 4).split("\r\n"));
    }

    // ------------------------------------------------------------------ raw clients

    /** One Engine.IO packet as bytes; binary ones travel as binary WebSocket messages. */
    record Packet(byte[] bytes, boolean binary) {

        static Packet text(String packet) {
            return new Packet(packet.getBytes(StandardCharsets.UTF_8), false);
        }

        @Override
        public String toString() {
            return binary ? "binary:" + HexFormat.of().formatHex(bytes) : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** An Engine.IO v4 client reduced to packets: send some, wait for one, see what came before. */
    abstract static class RawClient implements AutoCloseable {

        String engineSid;
        private final List<String> received = new CopyOnWriteArrayList<>();

        /**
         * Sends packets so that the server reads them in this order: one polling POST for all of
         * them, or one WebSocket message each (binary ones as binary messages). Separate polling
         * POSTs would not do: netty-socketio answers a POST before handling its packets, so the
         * next POST may be handled first (see {@link RawProtocolUnitTests#consecutivePollingPostsAreHandledInTheOrderSent}).
         */
        abstract void sendInOrder(List<Packet> packets);

        /** Sends text packets in one go (see {@link #sendInOrder}). */
        void send(String... packets) {
            sendInOrder(Stream.of(packets).map(Packet::text).toList());
        }

        /** Sends raw bytes as one packet (a polling POST body, or a binary WebSocket message). */
        void sendBytes(byte[] bytes) {
            sendInOrder(List.of(new Packet(bytes, true)));
        }

        /** The next packet the server sent (pings are answered, not returned), or null after {@code timeout}. */
        abstract String next(Duration timeout);

        @Override
        public abstract void close();

        /** Waits for a packet matching {@code wanted}; everything received on the way is kept. */
        String await(Predicate<String> wanted) {
            String packet = awaitOrNull(wanted);
            if (packet == null) {
                return fail("no matching packet within " + WAIT + " (or the connection closed); received " + received);
            }
            return packet;
        }

        /** Like {@link #await}, but null when nothing matched in time or the connection closed. */
        String awaitOrNull(Predicate<String> wanted) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String packet = left > 0 ? next(Duration.ofNanos(left)) : null;
                if (packet == null || packet.equals(CLOSED)) {
                    return null;
                }
                received.add(packet);
                if (wanted.test(packet)) {
                    return packet;
                }
            }
        }

        /** Packets received since the last {@link #mark()}. */
        List<String> received() {
            return new ArrayList<>(received);
        }

        void mark() {
            received.clear();
        }

        /**
         * Sends the namespace CONNECT (the last packet; any before it go first, in the same
         * order-keeping send) and returns the public socket id of the reply.
         */
        String connect(String... packetsEndingWithConnect) {
            send(packetsEndingWithConnect);
            String reply = await(p -> p.startsWith("40") || p.startsWith("44"));
            assertThat(reply).as("CONNECT reply").startsWith("40{");
            try {
                String sid = JSON.readTree(reply.substring(2)).get("sid").asText();
                mark();
                return sid;
            } catch (JsonProcessingException e) {
                throw new AssertionError("bad CONNECT reply " + reply, e);
            }
        }

        static String openPacketSid(String open) {
            assertThat(open).as("Engine.IO OPEN").startsWith("0{");
            try {
                return JSON.readTree(open.substring(1)).get("sid").asText();
            } catch (JsonProcessingException e) {
                throw new AssertionError("bad OPEN packet " + open, e);
            }
        }
    }

    /** HTTP long-polling: GET to read, POST to write, packets separated by U+001E. */
    static final class PollingClient extends RawClient {

        private final String url;
        private final Deque<String> buffered = new ArrayDeque<>();

        PollingClient(String base, Map<String, String> headers) {
            HttpRequest.Builder handshake = HttpRequest.newBuilder(URI.create(base + "/socket.io/?EIO=4&transport=polling"))
                    .timeout(WAIT).GET();
            headers.forEach(handshake::header);
            HttpResponse<String> response = exchange(handshake.build());
            assertThat(response.statusCode()).as("polling handshake").isEqualTo(200);
            engineSid = openPacketSid(response.body());
            url = base + "/socket.io/?EIO=4&transport=polling&sid=" + engineSid;
        }

        @Override
        void sendInOrder(List<Packet> packets) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Packet packet : packets) {
                if (body.size() > 0) {
                    body.write(0x1e);
                }
                body.writeBytes(packet.bytes());
            }
            HttpResponse<String> response = post(body.toByteArray());
            assertThat(response.statusCode()).as("POST of %s", packets).isEqualTo(200);
        }

        HttpResponse<String> post(byte[] body) {
            return exchange(HttpRequest.newBuilder(URI.create(url))
                    .timeout(WAIT)
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build());
        }

        @Override
        String next(Duration timeout) {
            while (buffered.isEmpty()) {
                HttpResponse<String> response;
                try {
                    response = sendRetryingStale(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
                } catch (java.net.http.HttpTimeoutException e) {
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                assertThat(response.statusCode()).as("polling GET").isEqualTo(200);
                for (String packet : response.body().split(RECORD_SEPARATOR)) {
                    if (packet.equals("2")) {
                        send("3");
                    } else if (!packet.isEmpty() && !packet.equals("6")) {
                        buffered.add(packet);
                    }
                }
            }
            return buffered.poll();
        }

        @Override
        public void close() {
            try {
                sendRetryingStale(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString("1")).build());
            } catch (IOException e) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static HttpResponse<String> exchange(HttpRequest request) {
            try {
                return sendRetryingStale(request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A WebSocket-only Engine.IO client: one packet per WebSocket message. */
    static final class WsClient extends RawClient implements WebSocket.Listener {

        private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        private final StringBuilder partialText = new StringBuilder();
        private final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        /** Whether the client answers the server's pings (as every socket.io client does). */
        volatile boolean answersPings = true;
        private final WebSocket socket;

        WsClient(String wsBase, Map<String, String> headers) {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            headers.forEach(builder::header);
            try {
                socket = builder.buildAsync(URI.create(wsBase + "/socket.io/?EIO=4&transport=websocket"), this)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("WebSocket did not open", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String open = next(WAIT);
            assertThat(open).as("OPEN packet").isNotNull();
            engineSid = openPacketSid(open);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partialText.append(data);
            if (last) {
                String packet = partialText.toString();
                partialText.setLength(0);
                if (packet.equals("2")) {
                    if (answersPings) {
                        sendQuietly("3");
                    }
                } else {
                    inbox.add(packet);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partialBinary.writeBytes(bytes);
            if (last) {
                inbox.add("binary:" + HexFormat.of().formatHex(partialBinary.toByteArray()));
                partialBinary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            inbox.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
            inbox.add(CLOSED);
        }

        @Override
        void sendInOrder(List<Packet> packets) {
            for (Packet packet : packets) {
                synchronized (this) {
                    if (packet.binary()) {
                        socket.sendBinary(ByteBuffer.wrap(packet.bytes()), true).join();
                    } else {
                        socket.sendText(new String(packet.bytes(), StandardCharsets.UTF_8), true).join();
                    }
                }
            }
        }

        /** Sends without waiting for the write to finish (the server may close the socket meanwhile). */
        synchronized void sendQuietly(String packet) {
            try {
                socket.sendText(packet, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the server closed the socket; callers look at `closed`
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }


        @Override
        String next(Duration timeout) {
            try {
                return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    /**
     * A WebSocket client on a plain socket, for what java.net.http cannot do: choose the framing
     * (java.net.http may split a large message into fragments).
     */
    static final class FrameClient extends RawClient {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        private final SecureRandom random = new SecureRandom();
        /** The close code the server sent, or -1 when the connection ended without one. */
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        FrameClient(int port) {
            try {
                socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(0);
                in = new java.io.BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                byte[] nonce = new byte[16];
                random.nextBytes(nonce);
                out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + port + "\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<String> head = readResponseHead(in);
                assertThat(head.get(0)).startsWith("HTTP/1.1 101");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread reader = new Thread(this::readFrames, "raw-ws-reader");
            reader.setDaemon(true);
            reader.start();
            String open = next(WAIT);
            assertThat(open).as("OPEN packet").isNotNull();
            engineSid = openPacketSid(open);
        }

        private void readFrames() {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            try {
                while (true) {
                    int b0 = in.read();
                    int b1 = in.read();
                    if (b0 < 0 || b1 < 0) {
                        break;
                    }
                    long length = b1 & 0x7f;
                    if (length == 126) {
                        length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
                    } else if (length == 127) {
                        length = 0;
                        for (int i = 0; i < 8; i++) {
                            length = (length << 8) | (in.read() & 0xff);
                        }
                    }
                    byte[] payload = in.readNBytes((int) length);
                    int opcode = b0 & 0x0f;
                    if (opcode == 0x8) {
                        closed.complete(payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
                        break;
                    }
                    if (opcode == 0x9) {
                        writeFrame(0x8A, payload);
                        continue;
                    }
                    message.writeBytes(payload);
                    if ((b0 & 0x80) != 0) {
                        String packet = message.toString(StandardCharsets.UTF_8);
                        message.reset();
                        if (packet.equals("2")) {
                            writeFrame(0x81, "3".getBytes(StandardCharsets.UTF_8));
                        } else {
                            inbox.add(packet);
                        }
                    }
                }
            } catch (IOException e) {
                // connection ended
            } finally {
                closed.complete(-1);
                inbox.add(CLOSED);
            }
        }

        /** Writes one masked frame; {@code first} is FIN, RSV and opcode. */
        private synchronized void writeFrame(int first, byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
            frame.write(first);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else if (payload.length < 65536) {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xff);
            } else {
                frame.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) (((long) payload.length >>> shift) & 0xff));
                }
            }
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        @Override
        void sendInOrder(List<Packet> packets) {
            for (Packet packet : packets) {
                try {
                    writeFrame(packet.binary() ? 0x82 : 0x81, packet.bytes());
                } catch (IOException e) {
                    // the server closed the connection; callers look at `closed`
                }
            }
        }

        /** Sends one text message as {@code parts} fragments (text frame, then continuations). */
        void sendFragmented(String packet, int parts) {
            byte[] bytes = packet.getBytes(StandardCharsets.UTF_8);
            int size = (bytes.length + parts - 1) / parts;
            try {
                for (int i = 0; i < parts; i++) {
                    byte[] part = java.util.Arrays.copyOfRange(bytes, i * size, Math.min(bytes.length, (i + 1) * size));
                    int opcode = i == 0 ? 0x1 : 0x0;
                    writeFrame((i == parts - 1 ? 0x80 : 0) | opcode, part);
                }
            } catch (IOException e) {
                // the server closed the connection; callers look at `closed`
            }
        }


        @Override
        String next(Duration timeout) {
            try {
                return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
