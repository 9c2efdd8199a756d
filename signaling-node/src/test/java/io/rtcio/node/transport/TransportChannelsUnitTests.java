package io.rtcio.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.engineio.parser.Packet;
import io.socket.engineio.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The frame a draining node writes on a WebSocket so that its client closes that transport
 * itself: a client's Engine.IO parser must read it as its parser-error packet (which the client
 * handles as a transport error, then reconnects), never as a packet it would act on or ignore.
 * The Java client's parser is checked here; socket.io-client 4.8's reaction is what
 * {@code RollingRestartIntegrationTests} shows (no relay lost, disconnect reason
 * {@code transport error}).
 */
class TransportChannelsUnitTests {

    @Test
    void theReconnectFrameIsOneCharacterThatNoEngineIoParserReadsAsAPacket() {
        assertThat(TransportChannels.RECONNECT_FRAME).hasSize(1);
        // engine.io-parser: the packet types are 0-6, and "b" starts a base64 message.
        assertThat("0123456b").doesNotContain(TransportChannels.RECONNECT_FRAME);

        Packet<String> decoded = Parser.decodePacket(TransportChannels.RECONNECT_FRAME);

        assertThat(decoded.type).isEqualTo(Packet.ERROR);
        assertThat(decoded.data).isEqualTo("parser error");
    }
}
