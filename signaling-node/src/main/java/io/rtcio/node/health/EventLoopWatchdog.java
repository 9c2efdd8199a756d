package io.rtcio.node.health;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells whether the event loops it watches still run tasks: every {@link #PROBE_INTERVAL} it
 * submits a no-op probe to each loop whose previous probe has run, and a loop whose probe has
 * waited longer than {@link #STALL_AFTER} is wedged (a handler blocked it, or it is swamped).
 * Liveness fails while any loop is wedged; one probe at most waits on a loop, so a wedged loop
 * never piles up work. A loop that was shut down is no longer watched.
 *
 * <p>Thread-safe. Loops are added as the transport reveals them ({@link #watch(EventExecutorGroup)}
 * is idempotent).
 */
public final class EventLoopWatchdog implements AutoCloseable {

    /** How often each loop is probed. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** A probe that waits this long means its loop is wedged. */
    public static final Duration STALL_AFTER = Duration.ofSeconds(10);

    private static final long IDLE = -1;

    private final Map<EventExecutor, AtomicLong> pendingSince = new ConcurrentHashMap<>();
    private final Map<EventExecutorGroup, Boolean> groups = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final long stallNanos;

    /** A watchdog with the default interval and stall threshold. */
    public EventLoopWatchdog() {
        this(PROBE_INTERVAL, STALL_AFTER, System::nanoTime);
    }

    EventLoopWatchdog(Duration interval, Duration stallAfter, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.stallNanos = stallAfter.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "event-loop-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long period = interval.toMillis();
        timer.scheduleWithFixedDelay(this::probeAll, period, period, TimeUnit.MILLISECONDS);
    }

    /** Watches every loop of {@code group} from now on; a group seen before is ignored. */
    public void watch(EventExecutorGroup group) {
        if (groups.putIfAbsent(group, Boolean.TRUE) == null) {
            for (EventExecutor loop : group) {
                pendingSince.putIfAbsent(loop, new AtomicLong(IDLE));
            }
        }
    }

    /** Loops watched right now. */
    public int watched() {
        return pendingSince.size();
    }

    /** Empty while every watched loop runs its probes; otherwise why not. */
    public Optional<String> stalled() {
        long now = nanoTime.getAsLong();
        for (Map.Entry<EventExecutor, AtomicLong> entry : pendingSince.entrySet()) {
            long since = entry.getValue().get();
            if (since != IDLE && now - since > stallNanos) {
                return Optional.of("event loop " + describe(entry.getKey()) + " has not run a task for "
                        + TimeUnit.NANOSECONDS.toSeconds(now - since) + " s");
            }
        }
        return Optional.empty();
    }

    private void probeAll() {
        for (EventExecutor loop : List.copyOf(pendingSince.keySet())) {
            if (loop.isShuttingDown()) {
                pendingSince.remove(loop);
                continue;
            }
            AtomicLong since = pendingSince.get(loop);
            if (since == null || !since.compareAndSet(IDLE, nanoTime.getAsLong())) {
                continue;
            }
            try {
                loop.execute(() -> since.set(IDLE));
            } catch (RejectedExecutionException e) {
                pendingSince.remove(loop);
            }
        }
    }

    private static String describe(EventExecutor loop) {
        return loop.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(loop));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
