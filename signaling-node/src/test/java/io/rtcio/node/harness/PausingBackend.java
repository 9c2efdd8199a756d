package io.rtcio.node.harness;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.LeaveResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomInfo;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.cluster.SessionStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real cluster backend whose room registry can be held at a chosen step: a test arms a
 * {@link Trap} for the next join or leave of one socket, before or after the shared-state step,
 * waits until the node reaches it, does something on another node meanwhile, then releases it.
 * That forces the interleavings that are otherwise a matter of microseconds.
 */
public final class PausingBackend implements ClusterBackend {

    /** The registry step a trap holds. */
    public enum Step { JOIN, LEAVE }

    /** Whether the trap holds the call before the shared state sees it, or its answer after. */
    public enum When { BEFORE, AFTER }

    /** One armed pause. */
    public static final class Trap {
        private final Step step;
        private final When when;
        private final String socketId;
        private final CompletableFuture<Void> reached = new CompletableFuture<>();
        private final CompletableFuture<Void> release = new CompletableFuture<>();

        private Trap(Step step, When when, String socketId) {
            this.step = step;
            this.when = when;
            this.socketId = socketId;
        }

        /** Waits (10 s) until the node is held at the trap. */
        public void awaitReached() {
            try {
                reached.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the node never reached the " + when + " " + step + " trap of " + socketId, e);
            }
        }

        public void release() {
            release.complete(null);
        }
    }

    private final ClusterBackend delegate;
    private final ConcurrentLinkedQueue<Trap> traps = new ConcurrentLinkedQueue<>();
    private final RoomRegistry rooms;

    public PausingBackend(ClusterBackend delegate) {
        this.delegate = delegate;
        this.rooms = new PausingRegistry(delegate.rooms());
    }

    /** Holds the next {@code step} of {@code socketId} {@code when} it reaches the shared state. */
    public Trap arm(Step step, When when, String socketId) {
        Trap trap = new Trap(step, when, socketId);
        traps.add(trap);
        return trap;
    }

    private Trap take(Step step, String socketId) {
        for (Trap trap : traps) {
            if (trap.step == step && trap.socketId.equals(socketId) && traps.remove(trap)) {
                return trap;
            }
        }
        return null;
    }

    private <T> CompletionStage<T> around(Trap trap, java.util.function.Supplier<CompletionStage<T>> call) {
        if (trap == null) {
            return call.get();
        }
        if (trap.when == When.BEFORE) {
            trap.reached.complete(null);
            return trap.release.orTimeout(30, TimeUnit.SECONDS).thenCompose(ok -> call.get());
        }
        return call.get().thenCompose(result -> {
            trap.reached.complete(null);
            return trap.release.orTimeout(30, TimeUnit.SECONDS).thenApply(ok -> result);
        });
    }

    private final class PausingRegistry implements RoomRegistry {
        private final RoomRegistry registry;

        PausingRegistry(RoomRegistry registry) {
            this.registry = registry;
        }

        @Override
        public CompletionStage<JoinResult> join(JoinRequest request) {
            return around(take(Step.JOIN, request.member().socketId()), () -> registry.join(request));
        }

        @Override
        public CompletionStage<LeaveResult> leave(String roomId, String socketId) {
            return around(take(Step.LEAVE, socketId), () -> registry.leave(roomId, socketId));
        }

        @Override
        public CompletionStage<List<Member>> members(String roomId) {
            return registry.members(roomId);
        }

        @Override
        public CompletionStage<RoomInfo> describe(String roomId) {
            return registry.describe(roomId);
        }

        @Override
        public CompletionStage<Set<String>> roomsOf(String socketId) {
            return registry.roomsOf(socketId);
        }

        @Override
        public CompletionStage<List<Member>> restore(String roomId, Member member, String password, MediaState mediaState) {
            return registry.restore(roomId, member, password, mediaState);
        }

        @Override
        public CompletionStage<List<Member>> rebind(String roomId, Member member) {
            return registry.rebind(roomId, member);
        }
    }

    @Override
    public ClusterBus bus() {
        return delegate.bus();
    }

    @Override
    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public PresenceStore presence() {
        return delegate.presence();
    }

    @Override
    public MediaStateStore mediaStates() {
        return delegate.mediaStates();
    }

    @Override
    public SessionStore sessions() {
        return delegate.sessions();
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
