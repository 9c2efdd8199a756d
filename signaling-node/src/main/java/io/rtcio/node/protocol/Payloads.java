package io.rtcio.node.protocol;

import java.util.Map;

/**
 * Validation of client payloads at the edge: each method either returns a well-typed value or
 * throws {@link SignalingException} with the protocol's error code.
 */
public final class Payloads {

    private Payloads() {
    }

    /** The payload as a JSON object, or {@code invalid-payload}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object payload, String event) {
        if (payload instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new SignalingException(ErrorCode.INVALID_PAYLOAD, event + " expects an object payload");
    }

    /** {@code roomId}: a non-empty string of bounded length, or {@code invalid-room}. */
    public static String roomId(Map<String, Object> payload) {
        Object value = payload.get("roomId");
        if (!(value instanceof String roomId) || roomId.isBlank()) {
            throw new SignalingException(ErrorCode.INVALID_ROOM, "roomId must be a non-empty string");
        }
        if (roomId.length() > Limits.MAX_ROOM_ID_LENGTH) {
            throw new SignalingException(ErrorCode.INVALID_ROOM,
                    "roomId must be at most " + Limits.MAX_ROOM_ID_LENGTH + " characters");
        }
        return roomId;
    }

    /** An optional string field of bounded length; null when absent. */
    public static String optionalString(Map<String, Object> payload, String field, int maxLength, String roomId) {
        Object value = payload.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new SignalingException(ErrorCode.INVALID_PAYLOAD, field + " must be a string", roomId);
        }
        if (text.length() > maxLength) {
            throw new SignalingException(ErrorCode.INVALID_PAYLOAD,
                    field + " must be at most " + maxLength + " characters", roomId);
        }
        return text;
    }

    /** A required string field of bounded length. */
    public static String requiredString(Map<String, Object> payload, String field, int maxLength, String roomId) {
        String text = optionalString(payload, field, maxLength, roomId);
        if (text == null || text.isEmpty()) {
            throw new SignalingException(ErrorCode.INVALID_PAYLOAD, field + " must be a non-empty string", roomId);
        }
        return text;
    }
}
