package io.rtcio.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Recoverable sessions (socket.io's connection-state recovery, cluster-wide): for each socket, the
 * secret its client proves the session with, the node that holds it, and a log of the events sent
 * to it while it was away, each with an offset. A session is opened when its socket connects (no
 * TTL: it is the owning node's state, like a membership), held with a TTL of the recovery window
 * when its transport drops, claimed by whichever node the client comes back to, and released on a
 * clean leave or when the departure grace ends.
 *
 * <p>Contract: every operation on one session is atomic; {@link #claim} succeeds at most once per
 * hand-over (it moves the session to the claimer, so a concurrent {@link #append} naming the old
 * holder is refused with {@link Appended#moved} and the caller forwards instead); offsets of one
 * session strictly increase; the log keeps at most {@link #MAX_LOGGED_EVENTS} events, and a claim
 * whose client missed a trimmed one fails.
 */
public interface SessionStore {

    /** Events kept per session; beyond it the oldest are dropped (and recovery past them refused). */
    int MAX_LOGGED_EVENTS = 1000;

    /**
     * A session as it is opened.
     *
     * @param socketId  the public socket id
     * @param secret    what the client proves the session with (part of its private id)
     * @param nodeId    the node holding the socket
     * @param userId    the authenticated user id, or null when anonymous
     * @param namespace the socket.io namespace
     */
    record Session(String socketId, String secret, String nodeId, String userId, String namespace) {
        public Session {
            Objects.requireNonNull(socketId, "socketId");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    /** An event kept for a socket while it was away. */
    record LoggedEvent(long offset, String event, String payloadJson) {
    }

    /**
     * Outcome of an {@link #append}: the offset given, or where the session is now.
     *
     * @param offset the event's offset, 0 when it was not kept
     * @param moved  the node now holding the session when it is not the expected one, else null
     */
    record Appended(long offset, String moved) {
        public boolean kept() {
            return offset > 0;
        }
    }

    /** Outcome of a {@link #claim}. */
    sealed interface Claim {
        /**
         * The session is the claimer's now, as its {@code generation}-th holder; {@code missed} are
         * the events after the client's offset, in order.
         */
        record Recovered(String previousNode, long generation, List<LoggedEvent> missed) implements Claim {
        }

        /** Not recovered (unknown or expired session, wrong secret, user or namespace, offset too old). */
        record Refused(String reason) implements Claim {
        }
    }

    /** Records a live session (replacing any with the same socket id). */
    CompletionStage<Void> open(Session session);

    /**
     * Marks the session away if {@code nodeId} holds it: it expires after {@code window} unless
     * claimed. Completes with the node holding the session after the call: {@code nodeId} when it
     * is held now, another node when it moved there (the caller must then not announce the
     * socket's departure), null when there is no such session.
     */
    CompletionStage<String> hold(String socketId, String nodeId, Duration window);

    /**
     * Keeps an event for the socket, if its session is held by {@code expectedNode} as holder
     * {@code generation} (0 for the socket that opened it, then one more per claim; -1 for any);
     * the log then lives {@code window} from now. A later holder on the same node counts as moved.
     */
    CompletionStage<Appended> append(String socketId, String expectedNode, long generation, String event,
                                     String payloadJson, Duration window);

    /**
     * Puts back the session of a socket its node still has, after the store lost it (Redis came
     * back empty), unless a session exists under that id: the holder's {@code generation} is kept
     * and the log's offsets go on after {@code lastOffset}, the last one its client was given (so
     * that the client's next recovery gets the events logged from then on). Completes with true
     * when it was put back.
     */
    CompletionStage<Boolean> restore(Session session, long generation, long lastOffset);

    /**
     * Moves the session to {@code nodeId} if {@code secret}, {@code userId} and {@code namespace}
     * match and nothing after {@code offset} was trimmed; forgets the events up to {@code offset}
     * (the client has them) and returns the ones after it. The session then has no TTL.
     */
    CompletionStage<Claim> claim(String socketId, String secret, String userId, String namespace, String nodeId,
                                 long offset);

    /** Deletes the session and its log if {@code nodeId} holds it; true when it did. */
    CompletionStage<Boolean> release(String socketId, String nodeId);
}
