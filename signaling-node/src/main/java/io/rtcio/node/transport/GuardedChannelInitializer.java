package io.rtcio.node.transport;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.handler.ClientHead;
import io.netty.channel.ChannelPipeline;
import io.rtcio.node.ratelimit.RateLimiter;

/**
 * netty-socketio's pipeline with our edge in front of packet handling: the {@link CorsHandler}
 * (every HTTP request) and the {@link PacketGuard} (every packet batch, just before decoding);
 * at the end the {@link PostReplyDeferral} (polling POSTs stay in order) and the
 * {@link TransportErrorHandler} (unhandled errors close the connection). When an Engine.IO
 * session ends, its rate-limit state goes with it.
 */
final class GuardedChannelInitializer extends SocketIOChannelInitializer {

    private static final PostReplyDeferral POST_REPLY_DEFERRAL = new PostReplyDeferral();
    private static final TransportErrorHandler TRANSPORT_ERRORS = new TransportErrorHandler();

    private final CorsHandler cors;
    private final PacketGuard guard;
    private final RateLimiter limiter;

    GuardedChannelInitializer(CorsHandler cors, PacketGuard guard, RateLimiter limiter) {
        this.cors = cors;
        this.guard = guard;
        this.limiter = limiter;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.addBefore(PACKET_HANDLER, CorsHandler.NAME, cors);
        pipeline.addBefore(PACKET_HANDLER, PacketGuard.NAME, guard);
        pipeline.addLast(PostReplyDeferral.NAME, POST_REPLY_DEFERRAL);
        pipeline.addLast(TransportErrorHandler.NAME, TRANSPORT_ERRORS);
    }

    @Override
    public void onDisconnect(ClientHead client) {
        super.onDisconnect(client);
        limiter.forget(client.getSessionId());
        TransportChannels.forget(client.getSessionId());
    }
}
