package io.rtcio.node.transport;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.rtcio.node.extension.TappedEvent;
import io.rtcio.node.metrics.SignalingMetrics;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.ratelimit.RateLimiter;
import io.rtcio.node.session.LocalSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: every batch of Engine.IO packets passes here before netty-socketio decodes it.
 * <ul>
 *   <li>Namespace CONNECT packets and events refused here count against the session's
 *       {@link RateLimiter} at once (a CONNECT over the burst is dropped; a session that keeps
 *       flooding is disconnected). Events that pass are counted, and shaped, by the
 *       {@link EventRouter} that handles them. Pings, pongs and acks are not counted.</li>
 *   <li>A namespace CONNECT without an auth object gets an empty one, so the auth hook runs for
 *       every client (netty-socketio skips it otherwise).</li>
 *   <li>An EVENT larger than the event limit, with malformed JSON, with a name that is not an
 *       event of its namespace, or carrying binary attachments is dropped here and answered with
 *       {@code error}; the other packets of the batch go on, the connection stays.</li>
 *   <li>Every event packet, accepted or refused, is shown to the event taps.</li>
 *   <li>Anything that is not an Engine.IO v4 text packet is dropped.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class PacketGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "rtcioPacketGuard";

    private static final Logger log = LoggerFactory.getLogger(PacketGuard.class);
    private static final byte RECORD_SEPARATOR = 0x1e;

    private final int maxEventBytes;
    private final Function<String, EventRouter> routers;
    private final RateLimiter limiter;
    private final EdgeTaps taps;
    private final SignalingMetrics metrics;

    /** @param routers the router of a namespace ({@code /} for the default one), or null when there is none */
    PacketGuard(int maxEventBytes, Function<String, EventRouter> routers, RateLimiter limiter, EdgeTaps taps,
                SignalingMetrics metrics) {
        this.maxEventBytes = maxEventBytes;
        this.routers = routers;
        this.limiter = limiter;
        this.taps = taps;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request && HttpMethod.POST.equals(request.method())) {
            // A polling POST: its packets are dispatched within this call; answer it only after.
            PostReplyDeferral.hold(ctx);
            try {
                ctx.fireChannelRead(msg);
            } finally {
                PostReplyDeferral.release(ctx);
            }
            return;
        }
        if (!(msg instanceof PacketsMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        TransportChannels.seen(message.getClient().getSessionId(), ctx.channel());
        ClientHead client = message.getClient();
        ByteBuf content = message.getContent();
        List<byte[]> kept = new ArrayList<>();
        boolean changed = false;
        int start = content.readerIndex();
        int end = content.writerIndex();
        while (start <= end) {
            int separator = content.indexOf(start, end, RECORD_SEPARATOR);
            int stop = separator < 0 ? end : separator;
            byte[] packet = ByteBufUtil.getBytes(content, start, stop - start, true);
            byte[] checked = client.isConnected() ? check(packet, client) : null;
            if (checked != packet) {
                changed = true;
            }
            if (checked != null) {
                kept.add(checked);
            }
            if (separator < 0) {
                break;
            }
            start = separator + 1;
        }
        if (!changed) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!kept.isEmpty() && client.isConnected()) {
            ctx.fireChannelRead(new PacketsMessage(client, join(kept), message.getTransport()));
        }
    }

    /** The packet to pass on (the same array when unchanged), or null to drop it. */
    private byte[] check(byte[] packet, ClientHead client) {
        if (packet.length == 0) {
            return null;
        }
        byte engineType = packet[0];
        if (engineType >= '1' && engineType <= '6' && engineType != '4') {
            return packet;
        }
        if (engineType != '4' || packet.length < 2) {
            log.debug("dropping a packet that is not Engine.IO v4 text");
            return null;
        }
        byte socketType = packet[1];
        // A CONNECT cannot wait and events refused here are counted at once; events that pass
        // are counted where they are handled (EventRouter), which may hold them.
        if (socketType == '0') {
            RateLimiter.Verdict verdict = limiter.admitNow(client.getSessionId()).verdict();
            if (verdict == RateLimiter.Verdict.DISCONNECT) {
                disconnectFlooder(client);
                return null;
            }
            if (verdict != RateLimiter.Verdict.PASS) {
                log.debug("dropping a namespace CONNECT over the rate limit");
                return null;
            }
        }
        return switch (socketType) {
            case '0' -> normaliseConnect(packet);
            case '1', '3' -> packet;
            case '2' -> checkEvent(packet, client);
            case '5', '6' -> refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "binary payloads are not supported", null);
            default -> null;
        };
    }

    private void disconnectFlooder(ClientHead client) {
        log.warn("disconnecting a session still over its event rate limit after the grace period");
        metrics.rateLimitDisconnect();
        limiter.forget(client.getSessionId());
        TransportChannels.forceClose(client);
    }

    /** {@code 40} / {@code 40/ns,} → with {@code {}} appended, so the auth hook always runs. */
    private static byte[] normaliseConnect(byte[] packet) {
        String text = new String(packet, StandardCharsets.UTF_8);
        String rest = text.substring(2);
        if (rest.isEmpty()) {
            return "40{}".getBytes(StandardCharsets.UTF_8);
        }
        if (rest.startsWith("/")) {
            int comma = rest.indexOf(',');
            if (comma < 0) {
                return (text + ",{}").getBytes(StandardCharsets.UTF_8);
            }
            if (comma == rest.length() - 1) {
                return (text + "{}").getBytes(StandardCharsets.UTF_8);
            }
        }
        return packet;
    }

    private byte[] checkEvent(byte[] packet, ClientHead client) {
        int bracket = PacketPeek.indexOf(packet, (byte) '[');
        if (bracket < 0) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "malformed event packet", null);
        }
        EventRouter router = routers.apply(PacketPeek.namespaceOf(packet));
        if (packet.length > maxEventBytes) {
            String name = PacketPeek.peekName(packet);
            return refuse(client, packet, ErrorCode.PAYLOAD_TOO_LARGE, "events are limited to " + maxEventBytes + " bytes",
                    name, router != null && name != null && router.knows(name) ? name : null);
        }
        PacketPeek.Peek peek;
        try {
            peek = PacketPeek.peek(packet, bracket);
        } catch (IOException e) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "malformed JSON", null);
        }
        if (peek == null) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "an event starts with its name", null);
        }
        if (router == null || !router.knows(peek.name())) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "unknown event", peek.name());
        }
        tap(packet, client, peek.name(), peek.roomId(), null);
        return packet;
    }

    private byte[] refuse(ClientHead client, byte[] packet, ErrorCode code, String reason, String event) {
        return refuse(client, packet, code, reason, event, event);
    }

    /** Drops an event packet and tells the sender; {@code tapped} is the name shown to taps, {@code event} the one in the error. */
    private byte[] refuse(ClientHead client, byte[] packet, ErrorCode code, String reason, String tapped, String event) {
        if (limiter.admitNow(client.getSessionId()).verdict() == RateLimiter.Verdict.DISCONNECT) {
            disconnectFlooder(client);
            return null;
        }
        metrics.error(code);
        log.debug("refusing a packet of {} bytes: {}", packet.length, reason);
        tap(packet, client, tapped, null, code);
        sendError(client, packet, code, reason, event);
        return null;
    }

    private static void sendError(ClientHead client, byte[] packet, ErrorCode code, String reason, String event) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.wire());
        error.put("message", reason);
        if (event != null) {
            error.put("event", event);
        }
        Packet reply = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        reply.setSubType(PacketType.EVENT);
        reply.setNsp(PacketPeek.wireNamespaceOf(packet));
        reply.setName(Events.ERROR);
        reply.setData(List.of(error));
        client.send(reply);
    }

    private void tap(byte[] packet, ClientHead client, String name, String roomId, ErrorCode refusal) {
        if (!taps.any()) {
            return;
        }
        String namespace = PacketPeek.namespaceOf(packet);
        EventRouter router = routers.apply(namespace);
        LocalSocket socket = router == null ? null : router.socketOf(client.getSessionId());
        taps.publish(new TappedEvent(namespace, name, packet.length, socket == null ? null : socket.id(), roomId,
                refusal == null ? null : refusal.wire()));
    }

    private static ByteBuf join(List<byte[]> packets) {
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                out.writeByte(RECORD_SEPARATOR);
            }
            out.writeBytes(packets.get(i));
        }
        return out;
    }
}
