package io.rtcio.node.chat;

import io.rtcio.node.media.MediaHandlers;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Limits;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.relay.Relay;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import io.rtcio.node.session.LocalSocket;

/**
 * {@code chat-message {roomId, text, ...}}: from members only; {@code text}, when present, a
 * string of bounded length. The rest of the room gets the payload as sent, with {@code from}
 * (user id, else socket id) and {@code at} (server time, ms) set by the server.
 */
public final class ChatHandler implements EventHandler {

    private final Relay relay;
    private final Clock clock;

    public ChatHandler(Relay relay, Clock clock) {
        this.relay = relay;
        this.clock = clock;
    }

    @Override
    public CompletionStage<?> handle(LocalSocket socket, Object payload, Ack ack) {
        Map<String, Object> body = MediaHandlers.memberPayload(socket, payload, Events.CHAT_MESSAGE);
        String roomId = (String) body.get("roomId");
        Payloads.optionalString(body, "text", Limits.MAX_CHAT_TEXT_LENGTH, roomId);
        Map<String, Object> out = new LinkedHashMap<>(body);
        out.put("from", socket.userId() != null ? socket.userId() : socket.id());
        out.put("at", clock.millis());
        return relay.toRoom(roomId, socket.id(), Events.CHAT_MESSAGE, out);
    }
}
