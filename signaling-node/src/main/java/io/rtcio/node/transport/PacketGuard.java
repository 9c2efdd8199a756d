package io.rtcio.node.transport;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: every batch of Engine.IO packets passes here before netty-socketio decodes it.
 * <ul>
 *   <li>A namespace CONNECT without an auth object gets an empty one, so the auth hook runs for
 *       every client (netty-socketio skips it otherwise).</li>
 *   <li>An EVENT larger than the event limit, with malformed JSON, with a name that is not an
 *       event of ours, or carrying binary attachments is dropped here and answered with
 *       {@code error}; the other packets of the batch go on, the connection stays.</li>
 *   <li>Anything that is not an Engine.IO v4 text packet is dropped.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class PacketGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "rtcioPacketGuard";

    private static final Logger log = LoggerFactory.getLogger(PacketGuard.class);
    private static final byte RECORD_SEPARATOR = 0x1e;
    private static final JsonFactory JSON = new JsonFactory();

    private final int maxEventBytes;
    private final Predicate<String> knownEvent;
    private final Consumer<ErrorCode> refusals;

    PacketGuard(int maxEventBytes, Predicate<String> knownEvent, Consumer<ErrorCode> refusals) {
        this.maxEventBytes = maxEventBytes;
        this.knownEvent = knownEvent;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PacketsMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = message.getContent();
        List<byte[]> kept = new ArrayList<>();
        boolean changed = false;
        int start = content.readerIndex();
        int end = content.writerIndex();
        while (start <= end) {
            int separator = content.indexOf(start, end, RECORD_SEPARATOR);
            int stop = separator < 0 ? end : separator;
            byte[] packet = ByteBufUtil.getBytes(content, start, stop - start, true);
            byte[] checked = check(packet, message.getClient());
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
        } else if (!kept.isEmpty()) {
            ctx.fireChannelRead(new PacketsMessage(message.getClient(), join(kept), message.getTransport()));
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
        return switch (packet[1]) {
            case '0' -> normaliseConnect(packet);
            case '1', '3' -> packet;
            case '2' -> checkEvent(packet, client);
            case '5', '6' -> refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "binary payloads are not supported", null);
            default -> null;
        };
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
        int bracket = indexOf(packet, (byte) '[');
        if (bracket < 0) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "malformed event packet", null);
        }
        if (packet.length > maxEventBytes) {
            return refuse(client, packet, ErrorCode.PAYLOAD_TOO_LARGE,
                    "events are limited to " + maxEventBytes + " bytes", eventNameOf(packet, bracket));
        }
        String event;
        try (JsonParser parser = JSON.createParser(packet, bracket, packet.length - bracket)) {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_STRING) {
                return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "an event starts with its name", null);
            }
            event = parser.getText();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IOException("unexpected end of input");
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing data after the event");
            }
        } catch (IOException e) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "malformed JSON", null);
        }
        if (!knownEvent.test(event)) {
            return refuse(client, packet, ErrorCode.INVALID_PAYLOAD, "unknown event", event);
        }
        return packet;
    }

    private byte[] refuse(ClientHead client, byte[] packet, ErrorCode code, String reason, String event) {
        refusals.accept(code);
        log.debug("refusing a packet of {} bytes: {}", packet.length, reason);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.wire());
        error.put("message", reason);
        if (event != null) {
            error.put("event", event);
        }
        Packet reply = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        reply.setSubType(PacketType.EVENT);
        reply.setNsp(namespaceOf(packet));
        reply.setName(Events.ERROR);
        reply.setData(List.of(error));
        client.send(reply);
        return null;
    }

    /** The event name, read cheaply from the start of an over-long packet; null when unclear. */
    private static String eventNameOf(byte[] packet, int bracket) {
        try (JsonParser parser = JSON.createParser(packet, bracket, Math.min(packet.length - bracket, 256))) {
            if (parser.nextToken() == JsonToken.START_ARRAY && parser.nextToken() == JsonToken.VALUE_STRING) {
                String name = parser.getText();
                return Events.CLIENT_EVENTS.contains(name) ? name : null;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String namespaceOf(byte[] packet) {
        if (packet.length > 2 && packet[2] == '/') {
            int comma = indexOf(packet, (byte) ',');
            if (comma > 2) {
                return new String(packet, 2, comma - 2, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
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
