package io.rtcio.node.transport;

import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * netty-socketio's JSON layer with two changes: {@code null} values survive (netty-socketio drops
 * them by default), and the namespace CONNECT reply carries the socket's public id instead of the
 * Engine.IO session id (and its private id when recoverable), which is a credential (see DESIGN.md).
 */
final class RtcioJsonSupport extends JacksonJsonSupport {

    private final Function<UUID, Map<String, Object>> connectReplies;

    /**
     * @param connectReplies the CONNECT reply of an admitted Engine.IO session ({@code sid}, and
     *                       {@code pid} when its session is recoverable), or null
     */
    RtcioJsonSupport(Function<UUID, Map<String, Object>> connectReplies) {
        this.connectReplies = connectReplies;
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
        super.writeValue(out, value);
    }
}
