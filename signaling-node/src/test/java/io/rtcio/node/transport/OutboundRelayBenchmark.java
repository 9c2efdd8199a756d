package io.rtcio.node.transport;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.scheduler.HashedWheelTimeoutScheduler;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * From a relay queued for a WebSocket session to its text frame: netty-socketio's encoder (each
 * frame written again from the pipeline's tail and flushed) against {@link WebSocketPacketWriter}
 * (written from its place, one flush per drained batch), with the same packet encoder and JSON
 * layer, on an embedded channel holding only these handlers (a real pipeline has more for the
 * second pass to cross). Payloads as in {@link InboundRelayBenchmark}. Run by hand
 * (docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OutboundRelayBenchmark {

    @Param({"ice", "sdp"})
    public String payload;

    @Param({"nettySocketio", "writer"})
    public String path;

    private HashedWheelTimeoutScheduler scheduler;
    private EmbeddedChannel channel;
    private ClientHead head;
    private RawValue relay;

    @Setup
    public void setUp() throws IOException {
        Configuration configuration = new Configuration();
        PollingBatchEncoder encoder = new PollingBatchEncoder(configuration, new RtcioJsonSupport(session -> null));
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("encoder", new EncoderHandler(configuration, encoder));
        if ("writer".equals(path)) {
            channel.pipeline().addLast(WebSocketPacketWriter.NAME, new WebSocketPacketWriter(encoder, 65_536));
        }
        scheduler = new HashedWheelTimeoutScheduler();
        head = new ClientHead(UUID.randomUUID(), new AckManager(scheduler), client -> { }, new MemoryStoreFactory(),
                new HandshakeData(new DefaultHttpHeaders(), Map.of(), new InetSocketAddress(0), "/socket.io/", false),
                new ClientsBox(), Transport.WEBSOCKET, scheduler, configuration,
                Map.of(EngineIOVersion.EIO, List.of("4")));
        String data = "ice".equals(payload)
                ? "{\"type\":\"candidate\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 "
                        + "192.0.2.33 61876 typ srflx raddr 10.0.0.5 rport 61876 generation 0 ufrag 4ZcD network-cost 999\","
                        + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"4ZcD\"}}"
                : "{\"type\":\"offer\",\"sdp\":\"" + "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\\r\\n".repeat(56) + "\"}";
        relay = new RawValue("{\"target\":\"s-target-000000000001\",\"data\":" + data
                + ",\"source\":\"s-source-000000000001\"}");
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        scheduler.shutdown();
    }

    @Benchmark
    public int relay() {
        // What LocalSocket.send does through netty-socketio: one event packet queued, then a write.
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        packet.setSubType(PacketType.EVENT);
        packet.setName("#rtcio:message");
        packet.setData(Arrays.asList(relay));
        head.getPacketsQueue(Transport.WEBSOCKET).add(packet.withNsp("", EngineIOVersion.V4));
        channel.writeAndFlush(new OutPacketMessage(head, Transport.WEBSOCKET));
        TextWebSocketFrame frame = channel.readOutbound();
        int bytes = frame.content().readableBytes();
        frame.release();
        return bytes;
    }
}
