package io.rtcio.node.transport;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.ChannelPipeline;

/** netty-socketio's pipeline with the {@link PacketGuard} placed just before packet decoding. */
final class GuardedChannelInitializer extends SocketIOChannelInitializer {

    private final PacketGuard guard;

    GuardedChannelInitializer(PacketGuard guard) {
        this.guard = guard;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.addBefore(PACKET_HANDLER, PacketGuard.NAME, guard);
    }
}
