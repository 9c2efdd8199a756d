package io.rtcio.node.transport;

import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * netty-socketio's JSON layer with two changes: {@code null} values survive (netty-socketio drops
 * them by default), and the namespace CONNECT reply carries the socket's public id instead of the
 * Engine.IO session id (and its private id when recoverable), which is a credential (see DESIGN.md). An event whose one argument is
 * already JSON (a {@link RawValue} holding a string: relays, room broadcasts) is framed by hand,
 * its argument copied as it is, without a Jackson generator per packet.
 */
final class RtcioJsonSupport extends JacksonJsonSupport {

    private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();

    /** {@code ["name",} per event name; the names a node sends are its own events, a bounded set. */
    private static final Map<String, byte[]> EVENT_PREFIXES = new ConcurrentHashMap<>();

    private final Function<UUID, Map<String, Object>> connectReplies;

    /**
     * @param connectReplies the CONNECT reply of an admitted Engine.IO session ({@code sid}, and
     *                       {@code pid} when its session is recoverable), or null
     */
    RtcioJsonSupport(Function<UUID, Map<String, Object>> connectReplies) {
        this.connectReplies = connectReplies;
    }

    private static byte[] eventPrefix(String name) {
        return ("[\"" + new String(QUOTER.quoteAsString(name)) + "\",").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void init(ObjectMapper objectMapper) {
        super.init(objectMapper);
        objectMapper.setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    @Override
    public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
        if (value instanceof ConnPacket connect) {
            Map<String, Object> reply = connectReplies.apply(connect.getSid());
            if (reply == null) {
                throw new IllegalStateException("CONNECT reply for a session that was not admitted");
            }
            super.writeValue(out, reply);
            return;
        }
        if (value instanceof List<?> event && event.size() == 2 && event.get(0) instanceof String name
                && event.get(1) instanceof RawValue raw && raw.rawValue() instanceof String json) {
            ByteBuf buffer = out.buffer();
            buffer.writeBytes(EVENT_PREFIXES.computeIfAbsent(name, RtcioJsonSupport::eventPrefix));
            ByteBufUtil.writeUtf8(buffer, json);
            buffer.writeByte(']');
            return;
        }
        super.writeValue(out, value);
    }
}
