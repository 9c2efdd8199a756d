package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtcio.cluster.ClusterMessage;
import org.junit.jupiter.api.Test;

/** The bus wire form: round trips, tolerance of newer fields and of the earlier form, and refusal of anything else. */
class MessageCodecUnitTests {

    @Test
    void shouldRoundTripBothMessageTypes() {
        ClusterMessage toSocket = new ClusterMessage.ToSocket("n1", "s1", "s2", "#rtcio:message", "{\"sdp\":\"v=0\\r\\n\"}");
        ClusterMessage toRoom = new ClusterMessage.ToRoom("n1", "r1", null, "#rtcio:peer-left", "[1,\"ü\"]");

        assertThat(MessageCodec.decode(MessageCodec.encode(toSocket))).isEqualTo(toSocket);
        assertThat(MessageCodec.decode(MessageCodec.encode(toRoom))).isEqualTo(toRoom);
    }

    @Test
    void shouldWriteAHeaderLineAndThePayloadUntouched() {
        String wire = MessageCodec.encode(new ClusterMessage.ToRoom("n1", "r1", null, "e", "{\"sdp\":\"v=0\\r\\n\"}"));

        assertThat(wire).isEqualTo("[\"to-room\",\"n1\",\"r1\",null,\"e\"]\n{\"sdp\":\"v=0\\r\\n\"}");
    }

    @Test
    void shouldKeepNewlinesInHeaderFieldsAndPayload() {
        ClusterMessage odd = new ClusterMessage.ToRoom("n1", "room\nwith newline", "s\"1", "e", "{\n\"a\":1}\n");

        assertThat(MessageCodec.decode(MessageCodec.encode(odd))).isEqualTo(odd);
    }

    @Test
    void shouldIgnoreHeaderFieldsANewerNodeMayAdd() {
        String wire = "[\"to-socket\",\"n1\",null,\"s2\",\"e\",\"trace-1\",{\"x\":1}]\n1";

        assertThat(MessageCodec.decode(wire)).isEqualTo(new ClusterMessage.ToSocket("n1", null, "s2", "e", "1"));
    }

    @Test
    void shouldReadTheEarlierFormWithFieldsANewerNodeMayAdd() {
        String json = "{\"type\":\"to-socket\",\"origin\":\"n1\",\"target\":\"s2\",\"event\":\"e\",\"payload\":\"1\",\"trace\":\"x\"}";
        String room = "{\"type\":\"to-room\",\"origin\":\"n1\",\"room\":\"r1\",\"event\":\"e\",\"payload\":\"{}\"}";

        assertThat(MessageCodec.decode(json)).isEqualTo(new ClusterMessage.ToSocket("n1", null, "s2", "e", "1"));
        assertThat(MessageCodec.decode(room)).isEqualTo(new ClusterMessage.ToRoom("n1", "r1", null, "e", "{}"));
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
        assertThatThrownBy(() -> MessageCodec.decode("[\"to-room\",\"n1\",null,null,\"e\"]\n1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roomId");
        assertThatThrownBy(() -> MessageCodec.decode("[\"to-room\",\"n1\"]\n1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than 5");
        assertThatThrownBy(() -> MessageCodec.decode("[\"to-room\",\"n1\",\"r1\",null,\"e\"]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header line");
        assertThatThrownBy(() -> MessageCodec.decode("[1,{}]\nx")).isInstanceOf(IllegalArgumentException.class);
    }
}
