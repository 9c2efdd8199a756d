package io.rtcio.node.transport;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.listener.PingListener;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closes netty-socketio's polling→WebSocket upgrade race: after
 * the client's {@code 2probe}, keep answering its pending polling GET with NOOPs every 100 ms until
 * the upgrade completes (at most 3 s), as Node's engine.io does. Without it the client can stall
 * in "pausing" until the server drops it.
 *
 * <p>The client's {@code 2probe} reaches us only through netty-socketio's ping listener, which it
 * marks deprecated without a replacement that sees the probe; hence the suppression.
 */
@SuppressWarnings("deprecation")
final class UpgradeNoopFix implements PingListener {

    static final long PERIOD_MS = 100;
    static final int MAX_NOOPS = 30;

    private final ScheduledExecutorService scheduler;

    UpgradeNoopFix(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void onPing(SocketIOClient client) {
        if (!(client instanceof NamespaceClient namespaceClient)) {
            return;
        }
        ClientHead head = namespaceClient.getBaseClient();
        if (head.getCurrentTransport() != Transport.POLLING) {
            return;
        }
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(scheduler.scheduleAtFixedRate(() -> {
            if (head.getCurrentTransport() != Transport.POLLING || !head.isConnected()
                    || sent.incrementAndGet() > MAX_NOOPS) {
                ScheduledFuture<?> self = task.get();
                if (self != null) {
                    self.cancel(false);
                }
                return;
            }
            head.send(new Packet(PacketType.NOOP, EngineIOVersion.V4), Transport.POLLING);
        }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS));
    }
}
