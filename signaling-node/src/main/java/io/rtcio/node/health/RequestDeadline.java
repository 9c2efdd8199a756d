package io.rtcio.node.health;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive whole in time: the clock starts with the
 * first byte of a request and stops when its answer is written (it sits in front of the HTTP
 * codec, where bytes come in and the encoded answer goes out). A connection that sends nothing
 * is left to the idle timeout; one that sends a byte and stalls is closed after the deadline.
 */
final class RequestDeadline extends ChannelDuplexHandler {

    private final long timeoutMillis;
    private ScheduledFuture<?> deadline;

    RequestDeadline(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> ctx.close(), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        ctx.fireChannelInactive();
    }
}
