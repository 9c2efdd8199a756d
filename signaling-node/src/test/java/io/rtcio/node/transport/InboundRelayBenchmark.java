package io.rtcio.node.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.node.protocol.RelayEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * From a client's {@code #rtcio:message} frame to the JSON the relay forwards: the streaming
 * path (decode, locate {@code target}, set {@code source}, data copied as written) against the
 * tree path it replaced (decode to a Map, copy it, set {@code source}, serialise). rtc.io-sized
 * payloads: an ICE candidate (286 B) and an SDP offer (3.2 KB). Run by hand (docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InboundRelayBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SOURCE = "s-source-000000000001";

    @Param({"ice", "sdp"})
    public String payload;

    private final InboundCodec codec = new InboundCodec(65_536, 8192);
    private byte[] frame;

    @Setup
    public void setUp() {
        String data = "ice".equals(payload)
                ? "{\"type\":\"candidate\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 "
                        + "192.0.2.33 61876 typ srflx raddr 10.0.0.5 rport 61876 generation 0 ufrag 4ZcD network-cost 999\","
                        + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"4ZcD\"}}"
                : "{\"type\":\"offer\",\"sdp\":\"" + "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\\r\\n".repeat(56) + "\"}";
        frame = ("42[\"#rtcio:message\",{\"target\":\"s-target-000000000001\",\"data\":" + data + "}]")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public String streamed() {
        InboundCodec.Packet packet = (InboundCodec.Packet) codec.decode(frame, 0, frame.length);
        return ((RelayEnvelope) packet.eventArgs().get(0)).withSource(SOURCE);
    }

    @Benchmark
    public String treeAndReencode() throws Exception {
        List<?> event = MAPPER.readValue(frame, 2, frame.length - 2, List.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> envelope = new LinkedHashMap<>((Map<String, Object>) event.get(1));
        envelope.put("source", SOURCE);
        return MAPPER.writeValueAsString(envelope);
    }
}
