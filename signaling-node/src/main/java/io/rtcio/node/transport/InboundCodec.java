package io.rtcio.node.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.node.protocol.RelayEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The one decoder of what clients send: an Engine.IO v4 packet carrying, when it is a message, a
 * socket.io v5 packet. Nothing else in the node interprets client bytes. It is strict: whatever it
 * accepts re-encodes to exactly the bytes it was given ({@link Packet#encode()}), and anything
 * else is {@link Refused}, never an exception.
 *
 * <p>Accepted forms, and nothing more:
 * <ul>
 *   <li>engine packets {@code 1} (close), {@code 2}/{@code 2probe} (ping), {@code 3}/{@code 3probe}
 *       (pong), {@code 5} (upgrade), {@code 6} (noop), each exactly so;</li>
 *   <li>{@code 4} followed by a socket.io packet: its type ({@code 0} CONNECT, {@code 1} DISCONNECT,
 *       {@code 2} EVENT, {@code 3} ACK), an optional namespace ({@code /} then at most
 *       {@value #MAX_NAMESPACE_CHARS} characters up to a comma or the end), an optional ack id
 *       (EVENT) or a required one (ACK) of at most {@value #MAX_ACK_ID_DIGITS} digits without
 *       leading zeros and at most {@value #MAX_ACK_ID}, and JSON: an object or nothing for CONNECT, nothing for DISCONNECT, an
 *       array starting with the event name for EVENT, an array for ACK.</li>
 * </ul>
 * Refused: Engine.IO v3 length framing ({@code 123:42[...]}), binary packets ({@code 45}, {@code 46},
 * base64 {@code b...}, a leading NUL), CONNECT_ERROR from a client, oversized packets (checked
 * before any JSON is read), malformed or trailing JSON, nesting beyond Jackson's bound.
 */
final class InboundCodec {

    static final int MAX_NAMESPACE_CHARS = 128;
    static final int MAX_ACK_ID_DIGITS = 15;
    /**
     * The largest ack id answered: netty-socketio's encoder cannot write a larger one (it fails,
     * and the answer is lost). socket.io clients count their ack ids up from 0.
     */
    static final long MAX_ACK_ID = Integer.MAX_VALUE;

    private static final String RELAY_EVENT = "#rtcio:message";
    /** How socket.io clients write a relay: compact JSON, the event name first. */
    private static final byte[] RELAY_PREFIX = ("[\"" + RELAY_EVENT + "\",{").getBytes(StandardCharsets.US_ASCII);

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(128).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Engine.IO packet types a client may send. */
    enum Engine { CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP }

    /** socket.io packet types a client may send. */
    enum Kind { CONNECT, DISCONNECT, EVENT, ACK }

    /** Why a packet was refused. */
    enum Reason {
        /** Not an Engine.IO v4 text packet (v3 framing, binary, junk). */
        NOT_ENGINE_IO_V4,
        /** An engine packet in a form other than its exact one. */
        MALFORMED_ENGINE_PACKET,
        /** A socket.io type a client may not send, or none. */
        UNKNOWN_TYPE,
        /** A binary event or ack; this service carries JSON only. */
        BINARY,
        /** A namespace that is too long or not terminated properly. */
        MALFORMED_NAMESPACE,
        /** An ack id that is missing, too long, or has leading zeros. */
        MALFORMED_ACK_ID,
        /** Larger than the limit for its kind. */
        TOO_LARGE,
        /** Malformed JSON, trailing data, or a body of the wrong shape. */
        MALFORMED_BODY,
        /** An event array that does not start with a string name. */
        NOT_AN_EVENT
    }

    /** What decoding one packet gave. */
    sealed interface Result permits Packet, Refused {
    }

    /**
     * A refused packet. {@code kind} and {@code namespace} are set when the header was readable
     * far enough to tell them, so the refusal can be answered on the right namespace.
     */
    record Refused(Reason reason, Kind kind, String namespace) implements Result {
    }

    /**
     * An accepted packet.
     *
     * @param engine      the Engine.IO type
     * @param probe       {@code 2probe} / {@code 3probe}
     * @param kind        the socket.io type of a MESSAGE, else null
     * @param wireNamespace the namespace as written ({@code /admin}, {@code /}), or null when absent
     * @param comma       whether a comma followed the namespace
     * @param ackId       the ack id, or -1
     * @param source      the bytes the packet came from
     * @param jsonFrom    where its JSON starts in {@code source}, or -1 when it has none
     * @param jsonTo      where its JSON ends
     * @param json        the decoded JSON: a {@code Map} (CONNECT), a {@code List} (EVENT, ACK), or null
     */
    record Packet(Engine engine, boolean probe, Kind kind, String wireNamespace, boolean comma, long ackId,
                  byte[] source, int jsonFrom, int jsonTo, Object json) implements Result {

        /** The namespace, {@code /} for the default one (absent or written as {@code /}). */
        String namespace() {
            return wireNamespace == null ? "/" : wireNamespace;
        }

        /** The namespace as netty-socketio names it: {@code ""} for the default one. */
        String nettyNamespace() {
            return wireNamespace == null || "/".equals(wireNamespace) ? "" : wireNamespace;
        }

        /** The size of the packet in bytes. */
        int length() {
            return jsonFrom < 0 ? headerLength() : jsonTo - jsonFrom + headerLength();
        }

        private int headerLength() {
            int length = engine == Engine.MESSAGE ? 2 : 1 + (probe ? 5 : 0);
            if (wireNamespace != null) {
                length += wireNamespace.getBytes(StandardCharsets.UTF_8).length + (comma ? 1 : 0);
            }
            if (ackId >= 0) {
                length += Long.toString(ackId).length();
            }
            return length;
        }

        /** An EVENT's name. */
        String eventName() {
            return (String) ((List<?>) json).get(0);
        }

        /** An EVENT's arguments after its name. */
        List<Object> eventArgs() {
            @SuppressWarnings("unchecked")
            List<Object> all = (List<Object>) json;
            return all.subList(1, all.size());
        }

        /** The string {@code roomId} of an EVENT's first argument, or null. */
        String roomId() {
            List<Object> args = eventArgs();
            return !args.isEmpty() && args.get(0) instanceof Map<?, ?> map && map.get("roomId") instanceof String room
                    ? room : null;
        }

        /** The packet's bytes, as a client would have written them. */
        byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length());
            switch (engine) {
                case CLOSE -> out.write('1');
                case PING -> out.write('2');
                case PONG -> out.write('3');
                case MESSAGE -> out.write('4');
                case UPGRADE -> out.write('5');
                case NOOP -> out.write('6');
            }
            if (probe) {
                out.writeBytes("probe".getBytes(StandardCharsets.US_ASCII));
            }
            if (engine != Engine.MESSAGE) {
                return out.toByteArray();
            }
            out.write('0' + kind.ordinal());
            if (wireNamespace != null) {
                out.writeBytes(wireNamespace.getBytes(StandardCharsets.UTF_8));
                if (comma) {
                    out.write(',');
                }
            }
            if (ackId >= 0) {
                out.writeBytes(Long.toString(ackId).getBytes(StandardCharsets.US_ASCII));
            }
            if (jsonFrom >= 0) {
                out.write(source, jsonFrom, jsonTo - jsonFrom);
            }
            return out.toByteArray();
        }
    }

    private final int maxEventBytes;
    private final int maxConnectBytes;

    /**
     * @param maxEventBytes   the largest EVENT or ACK packet
     * @param maxConnectBytes the largest CONNECT packet (its auth object carries a token)
     */
    InboundCodec(int maxEventBytes, int maxConnectBytes) {
        this.maxEventBytes = maxEventBytes;
        this.maxConnectBytes = maxConnectBytes;
    }

    /** Decodes the packet in {@code bytes[from, to)}. Never throws. */
    Result decode(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length <= 0) {
            return new Refused(Reason.NOT_ENGINE_IO_V4, null, null);
        }
        byte type = bytes[from];
        boolean probe = length == 6 && "probe".equals(new String(bytes, from + 1, 5, StandardCharsets.ISO_8859_1));
        switch (type) {
            case '1', '5', '6' -> {
                return length == 1 ? engine(type, false, bytes) : malformedEngine(bytes, from, to);
            }
            case '2', '3' -> {
                return length == 1 || probe ? engine(type, probe, bytes) : malformedEngine(bytes, from, to);
            }
            case '4' -> {
                return message(bytes, from, to);
            }
            default -> {
                return new Refused(Reason.NOT_ENGINE_IO_V4, null, null);
            }
        }
    }

    private static Packet engine(byte type, boolean probe, byte[] bytes) {
        Engine engine = switch (type) {
            case '1' -> Engine.CLOSE;
            case '2' -> Engine.PING;
            case '3' -> Engine.PONG;
            case '5' -> Engine.UPGRADE;
            default -> Engine.NOOP;
        };
        return new Packet(engine, probe, null, null, false, -1, bytes, -1, -1, null);
    }

    /** Digits and a colon (Engine.IO v3 length framing) are not a malformed v4 packet but another protocol. */
    private static Refused malformedEngine(byte[] bytes, int from, int to) {
        for (int i = from; i < to && i < from + 12; i++) {
            if (bytes[i] == ':') {
                return new Refused(Reason.NOT_ENGINE_IO_V4, null, null);
            }
            if (bytes[i] < '0' || bytes[i] > '9') {
                break;
            }
        }
        return new Refused(Reason.MALFORMED_ENGINE_PACKET, null, null);
    }

    private Result message(byte[] bytes, int from, int to) {
        if (to - from < 2) {
            return new Refused(Reason.UNKNOWN_TYPE, null, null);
        }
        Kind kind;
        switch (bytes[from + 1]) {
            case '0' -> kind = Kind.CONNECT;
            case '1' -> kind = Kind.DISCONNECT;
            case '2' -> kind = Kind.EVENT;
            case '3' -> kind = Kind.ACK;
            case '5', '6' -> {
                return new Refused(Reason.BINARY, Kind.EVENT, namespaceForReply(bytes, from + 2, to));
            }
            default -> {
                return new Refused(Reason.UNKNOWN_TYPE, null, null);
            }
        }
        int at = from + 2;
        String namespace = null;
        boolean comma = false;
        if (at < to && bytes[at] == '/') {
            int end = at;
            while (end < to && bytes[end] != ',' && end - at <= MAX_NAMESPACE_CHARS * 4) {
                end++;
            }
            if (end < to && bytes[end] != ',') {
                return new Refused(Reason.MALFORMED_NAMESPACE, kind, null);
            }
            namespace = utf8(bytes, at, end);
            if (namespace == null || namespace.length() > MAX_NAMESPACE_CHARS || !printable(namespace)) {
                return new Refused(Reason.MALFORMED_NAMESPACE, kind, null);
            }
            comma = end < to;
            at = comma ? end + 1 : end;
        }
        long ackId = -1;
        int digits = 0;
        while (at + digits < to && bytes[at + digits] >= '0' && bytes[at + digits] <= '9') {
            digits++;
            if (digits > MAX_ACK_ID_DIGITS) {
                return new Refused(Reason.MALFORMED_ACK_ID, kind, namespace);
            }
        }
        if (digits > 0) {
            if (kind != Kind.EVENT && kind != Kind.ACK || digits > 1 && bytes[at] == '0') {
                return new Refused(Reason.MALFORMED_ACK_ID, kind, namespace);
            }
            ackId = Long.parseLong(new String(bytes, at, digits, StandardCharsets.US_ASCII));
            if (ackId > MAX_ACK_ID) {
                return new Refused(Reason.MALFORMED_ACK_ID, kind, namespace);
            }
            at += digits;
        } else if (kind == Kind.ACK) {
            return new Refused(Reason.MALFORMED_ACK_ID, kind, namespace);
        }
        int limit = kind == Kind.CONNECT ? maxConnectBytes : maxEventBytes;
        if (to - from > limit) {
            return new Refused(Reason.TOO_LARGE, kind, namespace);
        }
        if (at == to) {
            if (kind == Kind.EVENT || kind == Kind.ACK) {
                return new Refused(Reason.MALFORMED_BODY, kind, namespace);
            }
            return new Packet(Engine.MESSAGE, false, kind, namespace, comma, ackId, bytes, -1, -1, null);
        }
        if (kind == Kind.DISCONNECT) {
            return new Refused(Reason.MALFORMED_BODY, kind, namespace);
        }
        if (kind == Kind.EVENT && ackId < 0 && startsWith(bytes, at, to, RELAY_PREFIX)) {
            Result relay = relay(bytes, at, to, kind, namespace, comma);
            if (relay != null) {
                return relay;
            }
        }
        Object json;
        try {
            json = JSON.readValue(bytes, at, to - at, Object.class);
        } catch (IOException | RuntimeException e) {
            return new Refused(Reason.MALFORMED_BODY, kind, namespace);
        }
        if (kind == Kind.CONNECT && !(json instanceof Map)) {
            return new Refused(Reason.MALFORMED_BODY, kind, namespace);
        }
        if (kind != Kind.CONNECT && !(json instanceof List)) {
            return new Refused(Reason.MALFORMED_BODY, kind, namespace);
        }
        if (kind == Kind.EVENT && (((List<?>) json).isEmpty() || !(((List<?>) json).get(0) instanceof String))) {
            return new Refused(Reason.NOT_AN_EVENT, kind, namespace);
        }
        return new Packet(Engine.MESSAGE, false, kind, namespace, comma, ackId, bytes, at, to, json);
    }

    /**
     * A {@code #rtcio:message} event read as a stream: the envelope's fields are located, not
     * built, and {@code data} is only scanned (validated, never materialised). Null when the event
     * is not the plain one-object form with a string {@code target}: it then takes the ordinary path,
     * and gets the ordinary answer. Malformed JSON is refused exactly as the ordinary path refuses it.
     */
    private Result relay(byte[] bytes, int at, int to, Kind kind, String namespace, boolean comma) {
        int[] spans = new int[8];
        int count = 0;
        String target = null;
        boolean targetIsText = false;
        try (JsonParser parser = JSON.getFactory().createParser(bytes, at, to - at)) {
            parser.nextToken(); // [
            parser.nextToken(); // "#rtcio:message"
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                int from = at + (int) parser.currentTokenLocation().getByteOffset();
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("target".equals(field)) {
                    targetIsText = value == JsonToken.VALUE_STRING;
                    target = targetIsText ? parser.getText() : null;
                } else if (value.isStructStart()) {
                    parser.skipChildren();
                } else {
                    parser.finishToken();
                }
                if ("source".equals(field)) {
                    continue; // the server sets it
                }
                if (count == spans.length) {
                    spans = java.util.Arrays.copyOf(spans, count * 2);
                }
                spans[count++] = from;
                spans[count++] = at + (int) parser.currentLocation().getByteOffset();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != JsonToken.END_ARRAY) {
                return null; // more than one argument, or not an object: the ordinary path decides
            }
            if (parser.nextToken() != null) {
                return new Refused(Reason.MALFORMED_BODY, kind, namespace);
            }
        } catch (IOException | RuntimeException e) {
            return new Refused(Reason.MALFORMED_BODY, kind, namespace);
        }
        if (!targetIsText) {
            return null;
        }
        RelayEnvelope envelope = new RelayEnvelope(bytes, spans, count, target);
        return new Packet(Engine.MESSAGE, false, kind, namespace, comma, -1, bytes, at, to,
                List.of(RELAY_EVENT, envelope));
    }

    private static boolean startsWith(byte[] bytes, int at, int to, byte[] prefix) {
        if (to - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The namespace of a refused packet's header, for the reply; null when there is none or it is unusable. */
    private static String namespaceForReply(byte[] bytes, int at, int to) {
        while (at < to && bytes[at] >= '0' && bytes[at] <= '9' && at < to) {
            at++;
        }
        if (at < to && bytes[at] == '-') {
            at++;
        }
        if (at >= to || bytes[at] != '/') {
            return null;
        }
        int end = at;
        while (end < to && bytes[end] != ',' && end - at <= MAX_NAMESPACE_CHARS) {
            end++;
        }
        if (end >= to || bytes[end] != ',') {
            return null;
        }
        String namespace = utf8(bytes, at, end);
        return namespace != null && namespace.length() <= MAX_NAMESPACE_CHARS && printable(namespace) ? namespace : null;
    }

    /** Strict UTF-8, or null. */
    private static String utf8(byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
