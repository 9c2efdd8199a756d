package io.rtcio.node.transport;

import com.corundumstudio.socketio.messages.XHRPostMessage;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;

/**
 * Keeps one client's polling POSTs in order. netty-socketio answers a POST ({@code ok}) before it
 * hands the POST's packets on; the client then sends its next POST, which may arrive on another
 * connection and thread and overtake the first (an answer overtaking its offer). This handler,
 * last in the pipeline, holds the {@code ok} while {@link #hold} is in force, and {@link #release}
 * sends it once the packets have been dispatched to their sockets' ordered queues.
 */
@ChannelHandler.Sharable
final class PostReplyDeferral extends ChannelOutboundHandlerAdapter {

    static final String NAME = "rtcioPostReplyDeferral";

    private static final AttributeKey<Held> HELD = AttributeKey.valueOf("rtcio.heldPostReply");

    /** From now on, hold this channel's POST reply. Call on the channel's event loop. */
    static void hold(ChannelHandlerContext ctx) {
        ctx.channel().attr(HELD).set(new Held());
    }

    /** Send the held POST reply, if any, and stop holding. Call on the channel's event loop. */
    static void release(ChannelHandlerContext ctx) {
        Held held = ctx.channel().attr(HELD).getAndSet(null);
        if (held != null && held.message != null) {
            held.context.writeAndFlush(held.message, held.promise);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Held held = msg instanceof XHRPostMessage ? ctx.channel().attr(HELD).get() : null;
        if (held == null || held.message != null) {
            ctx.write(msg, promise);
            return;
        }
        held.context = ctx;
        held.message = msg;
        held.promise = promise;
    }

    private static final class Held {
        private ChannelHandlerContext context;
        private Object message;
        private ChannelPromise promise;
    }
}
