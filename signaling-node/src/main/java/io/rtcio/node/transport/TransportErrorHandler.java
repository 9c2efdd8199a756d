package io.rtcio.node.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler: an error no earlier handler dealt with (a request naming a session
 * id that is not one, a fragmented WebSocket message over the frame limit, ...) ends that
 * connection, with a 400 while it still speaks HTTP, instead of leaving it open and silent.
 */
@ChannelHandler.Sharable
final class TransportErrorHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "rtcioTransportErrors";

    private static final Logger log = LoggerFactory.getLogger(TransportErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        boolean http = ctx.pipeline().get(HttpResponseEncoder.class) != null && ctx.pipeline().get("wsencoder") == null;
        if (http && ctx.channel().isActive()) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
