package io.rtcio.cluster.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.ClusterMessage;
import java.io.IOException;

/**
 * The wire form of a {@link ClusterMessage}: a one-line JSON array header, a newline, then the
 * payload exactly as it was given, e.g.
 * <pre>["to-socket","n1","s1","s2","#rtcio:message"]
 * {"source":"s1","target":"s2","data":{…}}
 * ["to-room","n1","r1",null,"#rtcio:peer-left"]
 * {…}</pre>
 * The header is {@code [type, origin, sender or room, target or except, event]}; a newer node may
 * append elements, which are ignored. The payload is never escaped or parsed here: relays of a 3 KB
 * SDP cost one copy on the bus, not a JSON-in-JSON round trip. The header's JSON cannot hold a raw
 * newline (JSON escapes control characters), so the first newline ends it.
 *
 * <p>Messages in the earlier form, one JSON object with the payload as a string field
 * ({@code {"type":"to-socket",…,"payload":"{…}"}}), are still read, so a node of this version
 * understands an older one during a rolling upgrade (the reverse does not hold). Thread-safe.
 */
final class MessageCodec {

    static final String TO_SOCKET = "to-socket";
    static final String TO_ROOM = "to-room";

    /** The earlier wire form: every field of either message type; absent ones are null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Envelope(String type, String origin, String sender, String target, String room, String except,
                    String event, String payload) {
    }

    private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MessageCodec() {
    }

    static String encode(ClusterMessage message) {
        String[] header;
        String payload;
        if (message instanceof ClusterMessage.ToSocket m) {
            header = new String[] {TO_SOCKET, m.originNode(), m.senderSocket(), m.targetSocket(), m.event()};
            payload = m.payloadJson();
        } else {
            ClusterMessage.ToRoom m = (ClusterMessage.ToRoom) message;
            header = new String[] {TO_ROOM, m.originNode(), m.roomId(), m.exceptSocket(), m.event()};
            payload = m.payloadJson();
        }
        StringBuilder wire = new StringBuilder(64 + payload.length()).append('[');
        for (int i = 0; i < header.length; i++) {
            if (i > 0) {
                wire.append(',');
            }
            if (header[i] == null) {
                wire.append("null");
            } else {
                wire.append('"');
                QUOTER.quoteAsString(header[i], wire);
                wire.append('"');
            }
        }
        return wire.append("]\n").append(payload).toString();
    }

    /** @throws IllegalArgumentException when {@code wire} is not a message this codec wrote */
    static ClusterMessage decode(String wire) {
        if (wire.startsWith("{")) {
            return decodeEarlierForm(wire);
        }
        int newline = wire.indexOf('\n');
        if (newline < 0) {
            throw new IllegalArgumentException("not a bus message: no header line");
        }
        String[] header = new String[5];
        try (JsonParser parser = MAPPER.getFactory().createParser(wire.substring(0, newline))) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("not a bus message: the header is not an array");
            }
            int fields = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IllegalArgumentException("not a bus message: the header is cut short");
                }
                if (fields < header.length) {
                    if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                        throw new IllegalArgumentException("bus message header field " + fields + " is not a string");
                    }
                    header[fields] = token == JsonToken.VALUE_NULL ? null : parser.getText();
                } else {
                    parser.skipChildren(); // a field a newer node added
                }
                fields++;
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("not a bus message: data after the header");
            }
            if (fields < header.length || header[0] == null) {
                throw new IllegalArgumentException("bus message header has fewer than 5 fields");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a bus message: " + e.getMessage(), e);
        }
        return message(header[0], header[1], header[2], header[3], header[4], wire.substring(newline + 1));
    }

    private static ClusterMessage decodeEarlierForm(String json) {
        Envelope envelope;
        try {
            envelope = MAPPER.readValue(json, Envelope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a bus message: " + e.getOriginalMessage(), e);
        }
        if (envelope == null || envelope.type() == null) {
            throw new IllegalArgumentException("bus message without a type");
        }
        return TO_SOCKET.equals(envelope.type())
                ? message(envelope.type(), envelope.origin(), envelope.sender(), envelope.target(), envelope.event(),
                        envelope.payload())
                : message(envelope.type(), envelope.origin(), envelope.room(), envelope.except(), envelope.event(),
                        envelope.payload());
    }

    private static ClusterMessage message(String type, String origin, String third, String fourth, String event,
                                          String payload) {
        try {
            return switch (type) {
                case TO_SOCKET -> new ClusterMessage.ToSocket(origin, third, fourth, event, payload);
                case TO_ROOM -> new ClusterMessage.ToRoom(origin, third, fourth, event, payload);
                default -> throw new IllegalArgumentException("unknown bus message type '" + type + "'");
            };
        } catch (NullPointerException missing) {
            throw new IllegalArgumentException("bus message of type " + type + " lacks " + missing.getMessage(), missing);
        }
    }
}
