package io.rtcio.node.transport;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What netty-socketio does with exceptions: log one short line (never the client's payload, which
 * may be megabytes) and keep the node running. I/O errors of vanished clients are routine.
 */
final class QuietExceptionListener extends ExceptionListenerAdapter {

    private static final Logger log = LoggerFactory.getLogger(QuietExceptionListener.class);

    @Override
    public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
        log.warn("event handler failed: {}", e.toString());
    }

    @Override
    public void onDisconnectException(Exception e, SocketIOClient client) {
        log.warn("disconnect handler failed: {}", e.toString());
    }

    @Override
    public void onConnectException(Exception e, SocketIOClient client) {
        log.warn("connect handler failed: {}", e.toString());
    }

    @Override
    public void onAuthException(Throwable e, SocketIOClient client) {
        log.warn("auth handler failed: {}", e.toString());
    }

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        if (e instanceof IOException) {
            log.debug("transport error from {}: {}", ctx.channel().remoteAddress(), e.toString());
        } else {
            log.warn("transport error from {}: {}", ctx.channel().remoteAddress(), e.toString());
        }
        ctx.close();
        return true;
    }
}
