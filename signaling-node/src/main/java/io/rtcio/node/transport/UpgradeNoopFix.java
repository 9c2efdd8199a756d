package io.rtcio.node.transport;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes netty-socketio's polling→WebSocket upgrade race: after the client's {@code 2probe}, keep
 * answering its pending polling GET with NOOPs every 100 ms until the upgrade completes (at most
 * 3 s), as Node's engine.io does. Without it the client can stall in "pausing" until the server
 * drops it. Armed at most once per session, and cancelled when the session ends.
 */
final class UpgradeNoopFix {

    static final long PERIOD_MS = 100;
    static final int MAX_NOOPS = 30;

    private final ScheduledExecutorService scheduler;
    private final Map<UUID, ScheduledFuture<?>> armed = new ConcurrentHashMap<>();

    UpgradeNoopFix(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** On a {@code 2probe} over WebSocket from a session still on polling. */
    void arm(ClientHead head) {
        if (head.getCurrentTransport() != Transport.POLLING) {
            return;
        }
        armed.computeIfAbsent(head.getSessionId(), session -> {
            AtomicInteger sent = new AtomicInteger();
            try {
                return scheduler.scheduleAtFixedRate(() -> {
                    if (head.getCurrentTransport() != Transport.POLLING || !head.isConnected()
                            || sent.incrementAndGet() > MAX_NOOPS) {
                        ScheduledFuture<?> self = armed.get(session);
                        if (self != null) {
                            self.cancel(false);
                        }
                        return;
                    }
                    head.send(new Packet(PacketType.NOOP, EngineIOVersion.V4), Transport.POLLING);
                }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                return null;
            }
        });
    }

    /** The session ended: stop its NOOPs and forget it. */
    void forget(UUID session) {
        ScheduledFuture<?> task = armed.remove(session);
        if (task != null) {
            task.cancel(false);
        }
    }
}
