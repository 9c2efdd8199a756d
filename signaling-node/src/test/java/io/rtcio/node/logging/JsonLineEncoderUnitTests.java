package io.rtcio.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderUnitTests {

    private final LoggerContext context = new LoggerContext();
    private final JsonLineEncoder encoder = new JsonLineEncoder();

    JsonLineEncoderUnitTests() {
        context.putProperty(JsonLineEncoder.NODE_PROPERTY, "node-a");
        encoder.setContext(context);
        encoder.start();
    }

    private JsonNode encode(LoggingEvent event) throws Exception {
        String line = JsonLineEncoder.text(encoder.encode(event));
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        return new ObjectMapper().readTree(line);
    }

    @Test
    void shouldWriteAFormattedMessageWithAnRfc3339TimestampAndTheNodeId() throws Exception {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.rtcio.Test"), Level.INFO,
                "node {} listening on {}:{}", null, new Object[] {"a", "127.0.0.1", 3001});
        event.setTimeStamp(1_764_000_000_123L);
        event.setMDCPropertyMap(Map.of("socket", "s1"));

        JsonNode json = encode(event);

        assertThat(json.path("message").asText()).isEqualTo("node a listening on 127.0.0.1:3001");
        assertThat(json.path("timestamp").asText()).isEqualTo("2025-11-24T16:00:00.123Z");
        assertThat(OffsetDateTime.parse(json.path("timestamp").asText()).toInstant().toEpochMilli())
                .isEqualTo(1_764_000_000_123L);
        assertThat(json.path("node").asText()).isEqualTo("node-a");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("logger").asText()).isEqualTo("io.rtcio.Test");
        assertThat(json.path("mdc").path("socket").asText()).isEqualTo("s1");
        assertThat(json.has("arguments")).isFalse();
    }

    @Test
    void shouldPutAnExceptionOnTheSameLineWithBoundedFrames() throws Exception {
        Exception error = new IllegalStateException("boom", new RuntimeException("root"));
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.rtcio.Test"), Level.ERROR, "failed", error, null);
        event.setMDCPropertyMap(Map.of());

        JsonNode json = encode(event);

        assertThat(json.path("error").path("class").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(json.path("error").path("message").asText()).isEqualTo("boom");
        assertThat(json.path("error").path("frames").size()).isBetween(1, JsonLineEncoder.MAX_FRAMES);
        assertThat(json.path("error").path("cause").asText()).isEqualTo("java.lang.RuntimeException: root");
    }
}
