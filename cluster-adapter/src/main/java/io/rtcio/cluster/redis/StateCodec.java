package io.rtcio.cluster.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How room state is written into Redis values: members and media states as small JSON objects,
 * passwords as a digest (Redis never holds a room password in clear). Thread-safe.
 */
final class StateCodec {

    /**
     * A member as stored under its socket id: {@code {"node":"n1","name":"ann","user":"u1","epoch":7}}
     * ({@code epoch} left out when 0, and read as 0 when absent).
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    record StoredMember(String node, String name, String user, long epoch) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StateCodec() {
    }

    static String encodeMember(Member member) {
        return write(new StoredMember(member.nodeId(), member.name(), member.userId(), member.epoch()));
    }

    static Member decodeMember(String socketId, String json) {
        StoredMember stored = read(json, StoredMember.class);
        return new Member(socketId, stored.node(), stored.name(), stored.user(), stored.epoch());
    }

    /** {@code {"mic":true,"cam":false}}. */
    static String encodeMediaState(MediaState state) {
        return write(state);
    }

    static MediaState decodeMediaState(String json) {
        return read(json, MediaState.class);
    }

    /**
     * The hex SHA-256 of {@code password} salted with the room id, or "" when no password is given
     * (null or empty). Equal passwords of one room give equal digests, so scripts compare digests.
     */
    static String passwordDigest(String roomId, String password) {
        if (password == null || password.isEmpty()) {
            return "";
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(roomId.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return HexFormat.of().formatHex(sha256.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt " + type.getSimpleName() + " in Redis: " + e.getOriginalMessage(), e);
        }
    }
}
