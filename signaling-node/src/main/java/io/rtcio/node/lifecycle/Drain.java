package io.rtcio.node.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties a node before it stops: closes its sockets' transports in waves spread evenly over a
 * window, so that their clients reconnect (to another node, once the load balancer stopped
 * routing here) a few at a time instead of all at once.
 *
 * <p>What closing one socket means is the hook {@code closeTransport}: the node passes one that
 * asks the client to close the socket's Engine.IO transport itself, never a socket.io DISCONNECT
 * (after which socket.io-client would not reconnect). Each socket is handed to it once. Sockets that arrive
 * during the drain are included in the later waves. The drain ends early once no socket is left,
 * and at the end of the window at the latest; what is still there then is the caller's to close.
 *
 * @param <S> a socket
 */
public final class Drain<S> {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);

    /** Waves per drain window. */
    public static final int WAVES = 10;

    /** How often the end of the drain looks for sockets that are still leaving. */
    private static final Duration SETTLE_CHECK = Duration.ofMillis(50);

    /** Waits until a point in time of {@code nanoTime}; tests pass one that moves their clock. */
    @FunctionalInterface
    public interface Pause {
        void until(long deadlineNanos) throws InterruptedException;
    }

    private final Supplier<? extends Collection<S>> remaining;
    private final Consumer<? super S> closeTransport;
    private final Duration window;
    private final LongSupplier nanoTime;
    private final Pause pause;

    /**
     * @param remaining      the sockets still on the node (read at every wave)
     * @param closeTransport closes one socket's transport; its departure is then the node's usual one
     * @param window         the drain window; zero closes every transport in one wave
     */
    public Drain(Supplier<? extends Collection<S>> remaining, Consumer<? super S> closeTransport, Duration window) {
        this(remaining, closeTransport, window, System::nanoTime, Drain::sleepUntil);
    }

    Drain(Supplier<? extends Collection<S>> remaining, Consumer<? super S> closeTransport, Duration window,
          LongSupplier nanoTime, Pause pause) {
        this.remaining = remaining;
        this.closeTransport = closeTransport;
        this.window = window;
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    /**
     * Runs the drain on the calling thread.
     *
     * @return how many transports it closed
     */
    public int run() throws InterruptedException {
        long start = nanoTime.getAsLong();
        long end = start + window.toNanos();
        int waves = window.isZero() ? 1 : WAVES;
        Set<S> closed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int wave = 0; wave < waves; wave++) {
            pause.until(start + window.toNanos() / waves * wave);
            List<S> left = new ArrayList<>(remaining.get());
            if (left.isEmpty()) {
                return closed.size();
            }
            left.removeIf(closed::contains);
            int share = (left.size() + (waves - wave) - 1) / (waves - wave);
            for (S socket : left.subList(0, share)) {
                closed.add(socket);
                try {
                    closeTransport.accept(socket);
                } catch (RuntimeException e) {
                    log.warn("could not close the transport of {} during the drain: {}", socket, e.toString());
                }
            }
        }
        // The last wave's departures take a moment; wait for them, within the window.
        while (!remaining.get().isEmpty() && nanoTime.getAsLong() - end < 0) {
            pause.until(Math.min(end, nanoTime.getAsLong() + SETTLE_CHECK.toNanos()));
        }
        return closed.size();
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
