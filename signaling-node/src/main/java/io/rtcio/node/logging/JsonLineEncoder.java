package io.rtcio.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One JSON object per line: {@code timestamp} (RFC 3339, UTC, milliseconds), {@code level},
 * {@code thread}, {@code logger}, {@code node} (the node id on every line, also before any socket
 * context), {@code mdc} (socket, room), {@code message} (formatted: arguments filled in) and, for an
 * exception, {@code error} (class, message, at most {@link #MAX_FRAMES} frames), all on one line.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    /** The system property (set by the process entry point) and context property carrying the node id. */
    public static final String NODE_PROPERTY = "rtcio.node.id";
    static final int MAX_FRAMES = 20;
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);
    private static final byte[] NOTHING = new byte[0];

    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator line = json.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringField("timestamp", RFC_3339.format(Instant.ofEpochMilli(event.getTimeStamp())));
            line.writeStringField("level", event.getLevel().toString());
            line.writeStringField("thread", event.getThreadName());
            line.writeStringField("logger", event.getLoggerName());
            String node = nodeId();
            if (node != null) {
                line.writeStringField("node", node);
            }
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                line.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    line.writeStringField(entry.getKey(), entry.getValue());
                }
                line.writeEndObject();
            }
            line.writeStringField("message", event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                writeError(line, event.getThrowableProxy());
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private String nodeId() {
        String fromContext = getContext() == null ? null : getContext().getProperty(NODE_PROPERTY);
        return fromContext != null ? fromContext : System.getProperty(NODE_PROPERTY);
    }

    private static void writeError(JsonGenerator line, IThrowableProxy error) throws IOException {
        line.writeObjectFieldStart("error");
        line.writeStringField("class", error.getClassName());
        line.writeStringField("message", error.getMessage());
        StackTraceElementProxy[] frames = error.getStackTraceElementProxyArray();
        if (frames != null && frames.length > 0) {
            line.writeArrayFieldStart("frames");
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                line.writeString(frames[i].getSTEAsString());
            }
            line.writeEndArray();
        }
        if (error.getCause() != null) {
            line.writeStringField("cause", error.getCause().getClassName() + ": " + error.getCause().getMessage());
        }
        line.writeEndObject();
    }

    /** For tests: the bytes as text. */
    static String text(byte[] encoded) {
        return new String(encoded, StandardCharsets.UTF_8);
    }
}
