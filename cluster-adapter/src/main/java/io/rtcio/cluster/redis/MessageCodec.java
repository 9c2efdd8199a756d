package io.rtcio.cluster.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.ClusterMessage;

/**
 * The wire form of a {@link ClusterMessage}: one JSON object per bus message, e.g.
 * <pre>{"type":"to-socket","origin":"n1","sender":"s1","target":"s2","event":"#rtcio:message","payload":"{…}"}
 * {"type":"to-room","origin":"n1","room":"r1","except":"s1","event":"#rtcio:peer-left","payload":"{…}"}</pre>
 * The payload stays an opaque string. Unknown fields are ignored, so a newer node may add some
 * during a rolling upgrade. Thread-safe.
 */
final class MessageCodec {

    static final String TO_SOCKET = "to-socket";
    static final String TO_ROOM = "to-room";

    /** Every field of either message type; absent ones are null and left out of the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Envelope(String type, String origin, String sender, String target, String room, String except,
                    String event, String payload) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MessageCodec() {
    }

    static String encode(ClusterMessage message) {
        Envelope envelope;
        if (message instanceof ClusterMessage.ToSocket m) {
            envelope = new Envelope(TO_SOCKET, m.originNode(), m.senderSocket(), m.targetSocket(), null, null,
                    m.event(), m.payloadJson());
        } else {
            ClusterMessage.ToRoom m = (ClusterMessage.ToRoom) message;
            envelope = new Envelope(TO_ROOM, m.originNode(), null, null, m.roomId(), m.exceptSocket(),
                    m.event(), m.payloadJson());
        }
        try {
            return MAPPER.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a " + envelope.type() + " message", e);
        }
    }

    /** @throws IllegalArgumentException when {@code json} is not a message this codec wrote */
    static ClusterMessage decode(String json) {
        Envelope envelope;
        try {
            envelope = MAPPER.readValue(json, Envelope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a bus message: " + e.getOriginalMessage(), e);
        }
        if (envelope == null || envelope.type() == null) {
            throw new IllegalArgumentException("bus message without a type");
        }
        try {
            return switch (envelope.type()) {
                case TO_SOCKET -> new ClusterMessage.ToSocket(envelope.origin(), envelope.sender(), envelope.target(),
                        envelope.event(), envelope.payload());
                case TO_ROOM -> new ClusterMessage.ToRoom(envelope.origin(), envelope.room(), envelope.except(),
                        envelope.event(), envelope.payload());
                default -> throw new IllegalArgumentException("unknown bus message type '" + envelope.type() + "'");
            };
        } catch (NullPointerException missing) {
            throw new IllegalArgumentException("bus message of type " + envelope.type() + " lacks " + missing.getMessage(), missing);
        }
    }
}
