package io.rtcio.cluster.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtcio.cluster.ClusterMessage;
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
 * The bus wire form of a cross-node relay, encode plus decode, against the earlier form that
 * carried the payload as an escaped JSON string. Payloads are rtc.io-sized: an ICE candidate
 * (286 B) and an SDP offer (3.2 KB). Run by hand (docs/performance.md); not part of the build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageCodecBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Param({"ice", "sdp"})
    public String payload;

    private ClusterMessage message;

    @Setup
    public void setUp() {
        String data = "ice".equals(payload)
                ? "{\"type\":\"candidate\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 "
                        + "192.0.2.33 61876 typ srflx raddr 10.0.0.5 rport 61876 generation 0 ufrag 4ZcD network-cost 999\","
                        + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"4ZcD\"}}"
                : "{\"type\":\"offer\",\"sdp\":\"" + "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\\r\\n".repeat(56) + "\"}";
        String json = "{\"target\":\"s-target-000000000001\",\"data\":" + data + ",\"source\":\"s-source-000000000001\"}";
        message = new ClusterMessage.ToSocket("node-1", "s-source-000000000001", "s-target-000000000001",
                "#rtcio:message", json);
    }

    @Benchmark
    public ClusterMessage headerLine() {
        return MessageCodec.decode(MessageCodec.encode(message));
    }

    @Benchmark
    public ClusterMessage earlierEscapedForm() throws Exception {
        ClusterMessage.ToSocket m = (ClusterMessage.ToSocket) message;
        String wire = MAPPER.writeValueAsString(new MessageCodec.Envelope(MessageCodec.TO_SOCKET, m.originNode(),
                m.senderSocket(), m.targetSocket(), null, null, m.event(), m.payloadJson()));
        return MessageCodec.decode(wire);
    }

}
