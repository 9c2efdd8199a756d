package io.rtcio.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Cluster-wide room membership and room rules.
 *
 * <p>Contract: {@link #join} is atomic cluster-wide. Concurrent joins never exceed
 * {@link JoinRequest#maxPeers()}, and of two concurrent joiners exactly one sees the other in its
 * snapshot. The first joiner of an empty room who supplies a non-empty password sets it; a room's
 * password and media states vanish when its last member leaves.
 */
public interface RoomRegistry {

    /** Joins atomically: password, capacity, then the before-join snapshot and the join itself. */
    CompletionStage<JoinResult> join(JoinRequest request);

    /** Leaves; also drops the member's media state, and the room's password when it empties. */
    CompletionStage<LeaveResult> leave(String roomId, String socketId);

    /** Current members, in join order. Empty when the room does not exist. */
    CompletionStage<List<Member>> members(String roomId);

    /** Size and password flag of a room. */
    CompletionStage<RoomInfo> describe(String roomId);

    /** The rooms {@code socketId} is a member of. */
    CompletionStage<Set<String>> roomsOf(String socketId);

    /**
     * Puts back a membership the owning node knows of after the shared state was lost (e.g. an
     * empty Redis after a restart): no capacity or password check; sets {@code password} when
     * given and the room has none; caches {@code mediaState} when not null. Idempotent.
     */
    CompletionStage<Void> restore(String roomId, Member member, String password, MediaState mediaState);
}
