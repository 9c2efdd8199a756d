package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtcio.cluster.ClusterMessage;
import org.junit.jupiter.api.Test;

/** The bus wire form: round trips, tolerance of newer fields, and refusal of anything else. */
class MessageCodecUnitTests {

    @Test
    void shouldRoundTripBothMessageTypes() {
        ClusterMessage toSocket = new ClusterMessage.ToSocket("n1", "s1", "s2", "#rtcio:message", "{\"sdp\":\"v=0\\r\\n\"}");
        ClusterMessage toRoom = new ClusterMessage.ToRoom("n1", "r1", null, "#rtcio:peer-left", "[1,\"ü\"]");

        assertThat(MessageCodec.decode(MessageCodec.encode(toSocket))).isEqualTo(toSocket);
        assertThat(MessageCodec.decode(MessageCodec.encode(toRoom))).isEqualTo(toRoom);
    }

    @Test
    void shouldWriteReadableEnvelopesWithoutNulls() {
        String json = MessageCodec.encode(new ClusterMessage.ToRoom("n1", "r1", null, "e", "{}"));

        assertThat(json).isEqualTo("{\"type\":\"to-room\",\"origin\":\"n1\",\"room\":\"r1\",\"event\":\"e\",\"payload\":\"{}\"}");
    }

    @Test
    void shouldIgnoreFieldsANewerNodeMayAdd() {
        String json = "{\"type\":\"to-socket\",\"origin\":\"n1\",\"target\":\"s2\",\"event\":\"e\",\"payload\":\"1\",\"trace\":\"x\"}";

        assertThat(MessageCodec.decode(json)).isEqualTo(new ClusterMessage.ToSocket("n1", null, "s2", "e", "1"));
    }

    @Test
    void shouldRefuseWhatItDidNotWrite() {
        assertThatThrownBy(() -> MessageCodec.decode("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.decode("null")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.decode("{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.decode("{\"type\":\"to-nowhere\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to-nowhere");
        assertThatThrownBy(() -> MessageCodec.decode("{\"type\":\"to-room\",\"origin\":\"n1\",\"event\":\"e\",\"payload\":\"1\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roomId");
    }
}
