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
 * Engine.IO session id, which is a credential (see DESIGN.md).
 */
final class RtcioJsonSupport extends JacksonJsonSupport {

    private final Function<UUID, String> publicIds;

    /** @param publicIds public id of an admitted Engine.IO session, or null */
    RtcioJsonSupport(Function<UUID, String> publicIds) {
        this.publicIds = publicIds;
    }

    @Override
    protected void init(ObjectMapper objectMapper) {
        super.init(objectMapper);
        objectMapper.setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    @Override
    public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
        if (value instanceof ConnPacket connect) {
            String publicId = publicIds.apply(connect.getSid());
            if (publicId == null) {
                throw new IllegalStateException("CONNECT reply for a session that was not admitted");
            }
            super.writeValue(out, Map.of("sid", publicId));
            return;
        }
        super.writeValue(out, value);
    }
}
