package io.rtcio.node.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Every WebSocket the server closes ends with a close frame. netty-socketio closes connections
 * by cutting TCP (after a DISCONNECT packet, on a ping timeout, ...), and a client may then report
 * the end late or not at all; a close frame first lets every client see it at once. One close
 * frame per connection: a second one (netty-socketio echoing the client's) is not sent. Sits just
 * after the WebSocket encoder, so the frame it writes is encoded; does nothing before the upgrade.
 */
@ChannelHandler.Sharable
final class WebSocketCloseFrames extends ChannelDuplexHandler {

    static final String NAME = "rtcioWebSocketCloseFrames";

    private static final AttributeKey<Boolean> SENT = AttributeKey.valueOf("rtcio.closeFrameSent");

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof CloseWebSocketFrame && !ctx.channel().attr(SENT).compareAndSet(null, Boolean.TRUE)) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (ctx.channel().isActive() && ctx.pipeline().get(WebSocketFrameEncoder.class) != null
                && ctx.channel().attr(SENT).compareAndSet(null, Boolean.TRUE)) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(written -> ctx.close(promise));
            return;
        }
        super.close(ctx, promise);
    }
}
