package io.rtcio.node.media;

import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.Payloads;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.relay.Relay;
import io.rtcio.node.session.LocalSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code media-state} and {@code stopScreenShare}: from members only, passed to the rest of the
 * room as sent, with {@code id} set to the sender. Boolean {@code mic}/{@code cam} are cached for
 * later joiners.
 */
public final class MediaHandlers {

    private final MediaStateStore store;
    private final Relay relay;

    public MediaHandlers(MediaStateStore store, Relay relay) {
        this.store = store;
        this.relay = relay;
    }

    public EventHandler mediaState() {
        return (socket, payload, ack) -> {
            Map<String, Object> body = memberPayload(socket, payload, Events.MEDIA_STATE);
            String roomId = (String) body.get("roomId");
            CompletionStage<Void> cached = CompletableFuture.completedFuture(null);
            if (body.get("mic") instanceof Boolean mic && body.get("cam") instanceof Boolean cam) {
                MediaState state = new MediaState(mic, cam);
                socket.membership(roomId).mediaState(state);
                cached = store.put(roomId, socket.id(), state);
            }
            // The room hears of it even when the shared cache is unreachable; the node re-publishes
            // the state it remembers once the cache is back.
            CompletionStage<Void> broadcast = relay.toRoom(roomId, socket.id(), Events.MEDIA_STATE, withId(body, socket));
            return cached.thenCombine(broadcast, (a, b) -> (Void) null);
        };
    }

    public EventHandler stopScreenShare() {
        return (socket, payload, ack) -> {
            Map<String, Object> body = memberPayload(socket, payload, Events.STOP_SCREEN_SHARE);
            return relay.toRoom((String) body.get("roomId"), socket.id(), Events.STOP_SCREEN_SHARE, withId(body, socket));
        };
    }

    /** The payload of an event that only members of its {@code roomId} may send. */
    public static Map<String, Object> memberPayload(LocalSocket socket, Object payload, String event) {
        Map<String, Object> body = Payloads.object(payload, event);
        String roomId = Payloads.roomId(body);
        if (!socket.isMember(roomId)) {
            throw new SignalingException(ErrorCode.NOT_IN_ROOM, "you are not in this room", roomId);
        }
        return body;
    }

    private static Map<String, Object> withId(Map<String, Object> body, LocalSocket socket) {
        Map<String, Object> out = new LinkedHashMap<>(body);
        out.put("id", socket.id());
        return out;
    }
}
