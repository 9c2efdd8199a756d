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
 *
 * <p>Linearisability of announcements: {@code join}, {@code leave} and {@code restore} are each one
 * atomic step on the room, and each returns the other members as that same step saw them: the
 * join's snapshot (the members to introduce the newcomer to), the leave's remaining members (the
 * members to tell of the departure), and the restore's current members. A node that announces
 * membership changes only to the members these steps return, and only when the step changed
 * something (a join that joined, a leave that removed: see {@link LeaveResult#wasMember()}),
 * announces each change exactly once and never to a socket that was not a member at that instant.
 */
public interface RoomRegistry {

    /** Joins atomically: password, capacity, then the before-join snapshot and the join itself. */
    CompletionStage<JoinResult> join(JoinRequest request);

    /**
     * Leaves; also drops the member's media state, and the room's password when it empties. The
     * result names the removed membership and the members the same step left in the room.
     */
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
     *
     * @return the other members of the room as this same atomic step saw them, in join order: the
     *         owning node compares them with what its socket was told and introduces the pairs that
     *         never met (members who joined while the state was lost)
     */
    CompletionStage<List<Member>> restore(String roomId, Member member, String password, MediaState mediaState);

    /**
     * Re-points an existing membership to {@code member} (same socket; typically a new owning node
     * after its session was recovered there), keeping its place in the join order. Does nothing
     * when the socket is not a member.
     *
     * @return the room's members as this same atomic step saw them, in join order, {@code member}
     *         among them when it was a member; empty when it was not
     */
    CompletionStage<List<Member>> rebind(String roomId, Member member);
}
