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
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    @org.junit.jupiter.api.Test
    void aNamespaceIsBounded() {
        assertThat(refused("42/" + "n".repeat(InboundCodec.MAX_NAMESPACE_CHARS) + ",[\"x\"]").reason())
                .isEqualTo(Reason.MALFORMED_NAMESPACE);
        assertThat(accepted("42/" + "n".repeat(InboundCodec.MAX_NAMESPACE_CHARS - 1) + ",[\"x\"]").namespace())
                .hasSize(InboundCodec.MAX_NAMESPACE_CHARS);
    }

    @org.junit.jupiter.api.Test
    void sizeLimitsAreCheckedBeforeAnyJsonIsRead() {
        String big = "42[\"chat-message\",{\"text\":\"" + "x".repeat(MAX_EVENT) + "\"}]";
        Refused tooLarge = refused(big);
        assertThat(tooLarge).isEqualTo(new Refused(Reason.TOO_LARGE, Kind.EVENT, null));
        // Malformed and oversized: still refused for its size (the JSON is never read).
        assertThat(refused("42[" + "{".repeat(MAX_EVENT)).reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(refused("40{\"token\":\"" + "t".repeat(9000) + "\"}").reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @org.junit.jupiter.api.Test
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

    @org.junit.jupiter.api.Test
    void deepNestingIsRefusedNotOverflowed() {
        String nested = "42[\"chat-message\"," + "[".repeat(5_000) + "]".repeat(5_000) + "]";
        assertThat(refused(nested).reason()).isEqualTo(Reason.MALFORMED_BODY);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 3000)
    void anyBytesDecodeToAnExactPacketOrAreRefused(@ForAll("anyBytes") byte[] input) {
        checkDecodes(input);
    }

    @Property(tries = 3000)
    void mutatedPacketsDecodeToAnExactPacketOrAreRefused(@ForAll("mutatedPackets") byte[] input) {
        checkDecodes(input);
    }

    private static void checkDecodes(byte[] input) {
        long before = allocatedBytes();
        Result result = CODEC.decode(input, 0, input.length);
        long allocated = allocatedBytes() - before;

        assertThat(result).isNotNull();
        if (result instanceof Packet packet) {
            assertThat(packet.encode()).as("re-encoded").isEqualTo(input);
        }
        assertThat(allocated).as("bytes allocated decoding %d bytes", input.length)
                .isLessThanOrEqualTo(ALLOCATION_CONSTANT + ALLOCATION_PER_BYTE * input.length);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) '0', (byte) '1', (byte) '2', (byte) '3', (byte) '4',
                (byte) '5', (byte) '6', (byte) '9', (byte) '/', (byte) ',', (byte) '[', (byte) ']', (byte) '{',
                (byte) '}', (byte) '"', (byte) ':', (byte) '-', (byte) 0x1e, (byte) 0x00, (byte) 0xff, (byte) 0xc3);
        Arbitrary<Byte> any = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        return any.array(byte[].class).ofMaxSize(300);
    }

    private static final List<String> SEEDS = List.of("2probe", "3", "40", "40{\"token\":\"abc\"}", "40/admin,{}",
            "41", "42[\"join-room\",{\"roomId\":\"r\",\"name\":\"n\"}]", "427[\"ask-ice\",{}]",
            "42/admin,3[\"x\",[1,2,{\"a\":null}]]", "43/admin,12[1]", "42[\"#rtcio:message\",{\"target\":\"t\",\"data\":{}}]");

    @Provide
    Arbitrary<byte[]> mutatedPackets() {
        Arbitrary<String> seed = Arbitraries.of(SEEDS);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 80);
        Arbitrary<Integer> operation = Arbitraries.integers().between(0, 3);
        Arbitrary<Byte> value = Arbitraries.bytes();
        return Combinators.combine(seed, position, operation, value).as((text, at, op, b) -> {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int i = Math.min(at, bytes.length);
            return switch (op) {
                case 0 -> splice(bytes, i, new byte[] {b}, 0);
                case 1 -> splice(bytes, i, new byte[0], i < bytes.length ? 1 : 0);
                case 2 -> splice(bytes, i, new byte[] {b}, i < bytes.length ? 1 : 0);
                default -> splice(bytes, i, "9".repeat(Math.abs(b) + 1).getBytes(StandardCharsets.US_ASCII), 0);
            };
        });
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
