package io.rtcio.node.transport;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.util.Queue;

/**
 * Writes a WebSocket session's queued packets as frames, in place of netty-socketio's encoder for
 * that transport (polling responses stay with it). What changes: each frame is written from here
 * toward the socket instead of from the pipeline's tail (netty-socketio passes every frame through
 * all outbound handlers a second time), and the batch drained from the queue is flushed once, not
 * once per packet. What stays: the session's packet queue, so packets leave in the order they were
 * queued whichever thread queued them; the same packet encoder; a packet above the configured
 * maximum frame payload is cut into continuation frames, and attachments become binary frames.
 */
@ChannelHandler.Sharable
final class WebSocketPacketWriter extends ChannelOutboundHandlerAdapter {

    static final String NAME = "rtcioWebSocketPacketWriter";

    /** The largest piece of a packet cut into frames (netty-socketio's size). */
    private static final int FRAME_SLICE = 8192;

    private final PacketEncoder encoder;
    private final int maxFramePayload;

    WebSocketPacketWriter(PacketEncoder encoder, int maxFramePayload) {
        this.encoder = encoder;
        this.maxFramePayload = maxFramePayload;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws IOException {
        if (!(msg instanceof OutPacketMessage out) || out.getTransport() != Transport.WEBSOCKET) {
            ctx.write(msg, promise);
            return;
        }
        Queue<Packet> queue = out.getClientHead().getPacketsQueue(Transport.WEBSOCKET);
        boolean wrote = false;
        for (Packet packet = queue.poll(); packet != null; packet = queue.poll()) {
            ByteBuf frame = encoder.allocateBuffer(ctx.alloc());
            try {
                encoder.encodePacket(packet, frame, ctx.alloc(), true);
            } catch (IOException | RuntimeException e) {
                frame.release();
                throw e;
            }
            wrote |= writeFrames(ctx, frame);
            for (ByteBuf attachment : packet.getAttachments()) {
                ByteBuf binary = encoder.allocateBuffer(ctx.alloc());
                binary.writeByte(4);
                binary.writeBytes(attachment);
                ctx.write(new BinaryWebSocketFrame(binary));
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        promise.trySuccess();
    }

    /**
     * Writes one encoded packet as one text frame, or above the maximum payload as a text frame and
     * continuation frames of at most that size (and 8 KB); false when it is empty. netty-socketio cuts
     * 8 KB slices whatever the maximum, and fails on a packet above a maximum under 8 KB.
     */
    private boolean writeFrames(ChannelHandlerContext ctx, ByteBuf packet) {
        if (!packet.isReadable()) {
            packet.release();
            return false;
        }
        if (packet.readableBytes() <= maxFramePayload) {
            ctx.write(new TextWebSocketFrame(packet));
            return true;
        }
        int slice = Math.min(FRAME_SLICE, maxFramePayload);
        boolean first = true;
        boolean last;
        do {
            ByteBuf part = packet.readRetainedSlice(Math.min(packet.readableBytes(), slice));
            last = !packet.isReadable();
            ctx.write(first ? new TextWebSocketFrame(last, 0, part) : new ContinuationWebSocketFrame(last, 0, part));
            first = false;
        } while (!last);
        packet.release();
        return true;
    }
}
