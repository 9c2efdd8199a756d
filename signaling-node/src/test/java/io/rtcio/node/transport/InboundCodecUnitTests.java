package io.rtcio.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.transport.InboundCodec.Engine;
import io.rtcio.node.transport.InboundCodec.Kind;
import io.rtcio.node.transport.InboundCodec.Packet;
import io.rtcio.node.transport.InboundCodec.Reason;
import io.rtcio.node.transport.InboundCodec.Refused;
import io.rtcio.node.transport.InboundCodec.Result;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict decoder of client packets: what it accepts, what it refuses and why, and, as
 * properties over arbitrary and mutated input, that it never throws, that whatever it accepts
 * re-encodes to the same bytes, and that its allocation is bounded by the input's size.
 */
class InboundCodecUnitTests {

    private static final int MAX_EVENT = 65_536;
    private static final InboundCodec CODEC = new InboundCodec(MAX_EVENT, 8192);
    /** Bytes a decode may allocate per input byte, plus a constant (Jackson's buffers). */
    private static final long ALLOCATION_PER_BYTE = 64;
    private static final long ALLOCATION_CONSTANT = 64 * 1024;

    static {
        // Jackson builds its deserializers on first use; that is not the decoder's per-input cost.
        for (String warm : List.of("42[\"a\",{\"b\":[1,2.5,true,null,\"c\"]}]", "40{\"t\":1}", "43[1]")) {
            decode(warm);
        }
    }

    private static Result decode(String packet) {
        byte[] bytes = packet.getBytes(StandardCharsets.UTF_8);
        return CODEC.decode(bytes, 0, bytes.length);
    }

    private static Packet accepted(String packet) {
        Result result = decode(packet);
        assertThat(result).as(packet).isInstanceOf(Packet.class);
        return (Packet) result;
    }

    private static Refused refused(String packet) {
        Result result = decode(packet);
        assertThat(result).as(packet).isInstanceOf(Refused.class);
        return (Refused) result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "2probe", "3", "3probe", "5", "6", "40", "40{}", "40{\"token\":\"t\"}",
            "40/admin,{\"token\":\"x\"}", "40/admin,", "40/admin", "40/,{}", "41", "41/admin,", "42[\"a\"]",
            "427[\"a\",{}]", "42/admin,7[\"a\",null]", "420[\"a\"]", "430[]", "43/admin,12[1,\"x\"]",
            "42[\"join-room\",{\"roomId\":\"r\",\"name\":\"é🙂\"}]", "422147483647[\"a\"]"})
    void acceptsEveryFormAClientSendsAndReencodesItExactly(String packet) {
        Packet decoded = accepted(packet);

        assertThat(new String(decoded.encode(), StandardCharsets.UTF_8)).isEqualTo(packet);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2x|MALFORMED_ENGINE_PACKET",
            "22|MALFORMED_ENGINE_PACKET",
            "'1 '|MALFORMED_ENGINE_PACKET",
            "6probe|MALFORMED_ENGINE_PACKET",
            "300053:42[\"chat-message\",{}]|NOT_ENGINE_IO_V4",
            "12:42[\"x\",{}]ab|NOT_ENGINE_IO_V4",
            "b4AAAA|NOT_ENGINE_IO_V4",
            "0{\"sid\":\"x\"}|NOT_ENGINE_IO_V4",
            "hello|NOT_ENGINE_IO_V4",
            "4|UNKNOWN_TYPE",
            "44{\"message\":\"x\"}|UNKNOWN_TYPE",
            "49[\"x\"]|UNKNOWN_TYPE",
            "4x|UNKNOWN_TYPE",
            "451-[\"x\",{\"_placeholder\":true,\"num\":0}]|BINARY",
            "461-3[{\"_placeholder\":true,\"num\":0}]|BINARY",
            "42-1[\"ask-ice\"]|MALFORMED_BODY",
            "4218446744073709551616[\"ask-ice\"]|MALFORMED_ACK_ID",
            "429223372036854775807[\"ask-ice\"]|MALFORMED_ACK_ID",
            "42007[\"ask-ice\"]|MALFORMED_ACK_ID",
            "422147483648[\"ask-ice\"]|MALFORMED_ACK_ID",
            "42123456789012345[\"ask-ice\"]|MALFORMED_ACK_ID",
            "43[1]|MALFORMED_ACK_ID",
            "407{}|MALFORMED_ACK_ID",
            "4017|MALFORMED_ACK_ID",
            "42|MALFORMED_BODY",
            "42{\"a\":1}|MALFORMED_BODY",
            "42[\"a\"]x|MALFORMED_BODY",
            "42[\"a\",{]|MALFORMED_BODY",
            "40[1]|MALFORMED_BODY",
            "40\"token\"|MALFORMED_BODY",
            "41{}|MALFORMED_BODY",
            "42[]|NOT_AN_EVENT",
            "42[1,2]|NOT_AN_EVENT",
            "42/a\tb,[\"x\"]|MALFORMED_NAMESPACE"})
    void refusesEverythingElseWithItsReason(String packet, Reason reason) {
        assertThat(refused(packet).reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 200_000, 1_000_000})
    void aLongAckIdHeaderIsRefusedAfterReadingAtMostItsBound(int digits) {
        byte[] packet = ("43" + "1".repeat(digits) + "[]").getBytes(StandardCharsets.US_ASCII);
        long before = allocatedBytes();

        Result result = CODEC.decode(packet, 0, packet.length);

        assertThat(result).isEqualTo(new Refused(Reason.MALFORMED_ACK_ID, Kind.ACK, null));
        assertThat(allocatedBytes() - before).as("allocated").isLessThan(ALLOCATION_CONSTANT);
    }

    @Test
    void aNamespaceIsBounded() {
        assertThat(refused("42/" + "n".repeat(InboundCodec.MAX_NAMESPACE_CHARS) + ",[\"x\"]").reason())
                .isEqualTo(Reason.MALFORMED_NAMESPACE);
        assertThat(accepted("42/" + "n".repeat(InboundCodec.MAX_NAMESPACE_CHARS - 1) + ",[\"x\"]").namespace())
                .hasSize(InboundCodec.MAX_NAMESPACE_CHARS);
    }

    @Test
    void sizeLimitsAreCheckedBeforeAnyJsonIsRead() {
        String big = "42[\"chat-message\",{\"text\":\"" + "x".repeat(MAX_EVENT) + "\"}]";
        Refused tooLarge = refused(big);
        assertThat(tooLarge).isEqualTo(new Refused(Reason.TOO_LARGE, Kind.EVENT, null));
        // Malformed and oversized: still refused for its size (the JSON is never read).
        assertThat(refused("42[" + "{".repeat(MAX_EVENT)).reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(refused("40{\"token\":\"" + "t".repeat(9000) + "\"}").reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void decodedPacketsCarryWhatHandlersNeed() {
        Packet event = accepted("42/calls,9[\"join-room\",{\"roomId\":\"r1\",\"n\":1.5},true]");
        assertThat(event.engine()).isEqualTo(Engine.MESSAGE);
        assertThat(event.kind()).isEqualTo(Kind.EVENT);
        assertThat(event.namespace()).isEqualTo("/calls");
        assertThat(event.nettyNamespace()).isEqualTo("/calls");
        assertThat(event.ackId()).isEqualTo(9);
        assertThat(event.eventName()).isEqualTo("join-room");
        assertThat(event.roomId()).isEqualTo("r1");
        assertThat(event.eventArgs()).containsExactly(Map.of("roomId", "r1", "n", 1.5), true);

        Packet slash = accepted("40/,{}");
        assertThat(slash.namespace()).isEqualTo("/");
        assertThat(slash.nettyNamespace()).isEmpty();
        assertThat(slash.json()).isEqualTo(Map.of());

        assertThat(accepted("2probe").probe()).isTrue();
        assertThat(accepted("42[\"a\"]").ackId()).isEqualTo(-1);
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        String nested = "42[\"chat-message\"," + "[".repeat(5_000) + "]".repeat(5_000) + "]";
        assertThat(refused(nested).reason()).isEqualTo(Reason.MALFORMED_BODY);
    }

    // ------------------------------------------------------------------ properties

    /** Inputs per property; {@code -Dcodec.tries} runs more, {@code -Dcodec.seed} replays one run. */
    private static final int TRIES = Integer.getInteger("codec.tries", 20_000);
    private static final long SEED = Long.getLong("codec.seed", 20261202L);

    @Test
    void anyBytesDecodeToAnExactPacketOrAreRefused() {
        Random random = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            checkDecodes(anyBytes(random), i);
        }
    }

    @Test
    void mutatedPacketsDecodeToAnExactPacketOrAreRefused() {
        Random random = new Random(SEED + 1);
        int accepted = 0;
        for (int i = 0; i < TRIES; i++) {
            if (checkDecodes(mutated(random), i)) {
                accepted++;
            }
        }
        // The mutations keep enough packets valid that the accepting paths are exercised too.
        assertThat(accepted).as("accepted mutants of %d", TRIES).isGreaterThan(TRIES / 20);
    }

    /** Decodes one input and checks the properties; true when it was accepted. */
    private static boolean checkDecodes(byte[] input, int index) {
        Result result;
        try {
            result = CODEC.decode(input, 0, input.length);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("decode threw on input #" + index + " (seed " + SEED + "): "
                    + HexFormat.of().formatHex(input), e);
        }
        // Measured on a second decode: the first use of a path may load classes or build Jackson's
        // deserializers once, which is not a cost per input.
        long before = allocatedBytes();
        CODEC.decode(input, 0, input.length);
        long allocated = allocatedBytes() - before;

        assertThat(result).isNotNull();
        if (result instanceof Packet packet) {
            assertThat(packet.encode()).as("re-encoded input #%d", index).isEqualTo(input);
        }
        assertThat(allocated).as("bytes allocated decoding input #%d of %d bytes", index, input.length)
                .isLessThanOrEqualTo(ALLOCATION_CONSTANT + ALLOCATION_PER_BYTE * input.length);
        return result instanceof Packet;
    }

    private static final byte[] INTERESTING = "0123456959/,[]{}\":-\u001e".getBytes(StandardCharsets.UTF_8);

    // --- #rtcio:message: read as a stream, forwarded as written -------------------------------

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) throws Exception {
        return MAPPER.readValue(json, Map.class);
    }

    @Test
    void shouldKeepARelayAsWrittenAndSetItsSource() throws Exception {
        String body = "{\"source\":\"spoofed\", \"target\" : \"t1\",\"data\":{\"sdp\":\"v=0\\r\\na=\\u00fc\",\"c\":[1, 2.50, true, null]},\"x\":\"\u00e9\"}";
        Packet packet = accepted("42[\"#rtcio:message\"," + body + "]");

        assertThat(packet.eventName()).isEqualTo("#rtcio:message");
        io.rtcio.node.protocol.RelayEnvelope envelope = (io.rtcio.node.protocol.RelayEnvelope) packet.eventArgs().get(0);
        assertThat(envelope.target()).isEqualTo("t1");
        String out = envelope.withSource("me\"1");
        // the data span is the client's bytes, untouched (number formatting, escapes, spaces)
        assertThat(out).contains("\"data\":{\"sdp\":\"v=0\\r\\na=\\u00fc\",\"c\":[1, 2.50, true, null]}").doesNotContain("spoofed");
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.putAll(parse(body));
        expected.put("source", "me\"1");
        assertThat(parse(out)).isEqualTo(expected);
        assertThat(new String(packet.encode(), StandardCharsets.UTF_8)).isEqualTo("42[\"#rtcio:message\"," + body + "]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "42[\"#rtcio:message\",{\"target\":1,\"data\":{}}]",
            "42[\"#rtcio:message\",{\"data\":{}}]",
            "42[\"#rtcio:message\",{\"target\":\"t\"},2]",
            "42[\"#rtcio:message\",[]]",
            "421[\"#rtcio:message\",{\"target\":\"t\"}]",
            "42[ \"#rtcio:message\",{\"target\":\"t\"}]"})
    void shouldLeaveEveryOtherRelayShapeToTheOrdinaryPath(String packet) {
        assertThat(accepted(packet).eventArgs().get(0)).isNotInstanceOf(io.rtcio.node.protocol.RelayEnvelope.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "42[\"#rtcio:message\",{\"target\":\"t\",\"data\":{]}]",
            "42[\"#rtcio:message\",{\"target\":\"t\",\"data\":\"\\q\"}]",
            "42[\"#rtcio:message\",{\"target\":\"t\"}]x",
            "42[\"#rtcio:message\",{\"target\":\"t\"}][]",
            "42[\"#rtcio:message\",{\"target\":\"t\",\"data\":\"unterminated}]"})
    void shouldRefuseMalformedRelaysLikeAnyEvent(String packet) {
        assertThat(refused(packet).reason()).isEqualTo(Reason.MALFORMED_BODY);
    }

    @Test
    void shouldRefuseARelayNestedBeyondTheBound() {
        String deep = "[".repeat(200) + "]".repeat(200);

        assertThat(refused("42[\"#rtcio:message\",{\"target\":\"t\",\"data\":" + deep + "}]").reason())
                .isEqualTo(Reason.MALFORMED_BODY);
    }

    /**
     * Property: on relays mutated at random, the streaming path accepts exactly what a full parse
     * accepts, and what it forwards is that parse with {@code source} replaced.
     */
    @Test
    void shouldAgreeWithAFullParseOnMutatedRelays() throws Exception {
        Random random = new Random(20261203L);
        int streamed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = mutated(random);
            if (!new String(bytes, StandardCharsets.ISO_8859_1).contains("#rtcio:message")) {
                continue;
            }
            Result result = CODEC.decode(bytes, 0, bytes.length);
            if (!(result instanceof Packet packet) || !(packet.json() instanceof List<?> args)
                    || args.size() < 2 || !(args.get(1) instanceof io.rtcio.node.protocol.RelayEnvelope envelope)) {
                continue;
            }
            streamed++;
            String json = new String(bytes, packet.jsonFrom(), packet.jsonTo() - packet.jsonFrom(), StandardCharsets.UTF_8);
            Map<String, Object> expected = new java.util.LinkedHashMap<>(parse(json.substring(json.indexOf(',') + 1, json.length() - 1)));
            expected.put("source", "s-1");
            assertThat(parse(envelope.withSource("s-1"))).as(json).isEqualTo(expected);
            assertThat(envelope.target()).isEqualTo(expected.get("target"));
        }
        assertThat(streamed).isGreaterThan(500);
    }

    /** Up to 300 bytes, three in four drawn from the bytes the grammar cares about. */
    private static byte[] anyBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(301)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
        }
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = '4';
        }
        return bytes;
    }

    private static final List<String> SEEDS = List.of("2probe", "3", "40", "40{\"token\":\"abc\"}", "40/admin,{}",
            "41", "42[\"join-room\",{\"roomId\":\"r\",\"name\":\"n\"}]", "427[\"ask-ice\",{}]",
            "42/admin,3[\"x\",[1,2,{\"a\":null}]]", "43/admin,12[1]", "42[\"#rtcio:message\",{\"target\":\"t\",\"data\":{}}]",
            "42[\"#rtcio:message\",{\"source\":\"s\",\"target\":\"t\",\"data\":{\"sdp\":\"v=0\\r\\n\",\"n\":[1,{}]}}]",
            "42/admin,[\"#rtcio:message\",{\"target\":\"t\",\"data\":\"x\",\"source\":1}]");

    /** A real packet with up to three insertions, deletions, replacements or runs of digits. */
    private static byte[] mutated(Random random) {
        byte[] bytes = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(bytes.length + 1);
            byte value = random.nextBoolean() ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
            bytes = switch (random.nextInt(4)) {
                case 0 -> splice(bytes, at, new byte[] {value}, 0);
                case 1 -> splice(bytes, at, new byte[0], at < bytes.length ? 1 : 0);
                case 2 -> splice(bytes, at, new byte[] {value}, at < bytes.length ? 1 : 0);
                default -> splice(bytes, at, "9".repeat(1 + random.nextInt(40)).getBytes(StandardCharsets.US_ASCII), 0);
            };
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert, int remove) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
