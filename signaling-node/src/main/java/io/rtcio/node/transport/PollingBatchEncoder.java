package io.rtcio.node.transport;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * netty-socketio's packet encoder, without losing a packet when a polling response is full.
 * netty-socketio writes at most {@code limit} (50) queued packets into one polling response, but
 * takes the next packet off the queue before it checks the limit, and drops it: with more than 50
 * packets waiting for a long-polling client, one of them never arrives (a relay missing from an
 * ICE exchange). Here the encoder only ever sees {@code limit} packets of the queue, so the rest stay
 * queued for the next GET. WebSocket frames are encoded one packet at a time and are not affected.
 */
final class PollingBatchEncoder extends PacketEncoder {

    PollingBatchEncoder(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    @Override
    public void encodePackets(Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit)
            throws IOException {
        super.encodePackets(new Taking(packets, limit), buffer, allocator, limit);
    }

    @Override
    public void encodeJsonP(Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator,
            int limit) throws IOException {
        super.encodeJsonP(jsonpIndex, new Taking(packets, limit), out, allocator, limit);
    }

    /** A view of a queue that hands out at most {@code limit} packets, then reports itself empty. */
    static final class Taking extends AbstractQueue<Packet> {

        private final Queue<Packet> queue;
        private int left;

        Taking(Queue<Packet> queue, int limit) {
            this.queue = queue;
            this.left = limit;
        }

        @Override
        public Packet poll() {
            if (left <= 0) {
                return null;
            }
            Packet packet = queue.poll();
            if (packet != null) {
                left--;
            }
            return packet;
        }

        @Override
        public Packet peek() {
            return left <= 0 ? null : queue.peek();
        }

        @Override
        public boolean offer(Packet packet) {
            return queue.offer(packet);
        }

        @Override
        public Iterator<Packet> iterator() {
            return queue.iterator();
        }

        @Override
        public int size() {
            return left <= 0 ? 0 : Math.min(left, queue.size());
        }
    }
}
