package io.rtcio.cluster;

import java.util.List;

/**
 * The outcome of {@link RoomRegistry#leave}.
 *
 * @param wasMember   whether the socket was a member before the call: exactly one of any number of
 *                    concurrent leaves of one membership sees true, so that caller alone announces
 *                    the departure
 * @param roomEmptied whether the room became empty (its password and media states are gone)
 * @param removed     the membership that was removed (as stored at join), or null when none was
 * @param remaining   the members left in the room by the same atomic step, in join order: exactly
 *                    the sockets that must be told of the departure
 */
public record LeaveResult(boolean wasMember, boolean roomEmptied, Member removed, List<Member> remaining) {
    public LeaveResult {
        remaining = List.copyOf(remaining);
    }

    /** A leave of a socket that was not a member: nothing changed. */
    public static LeaveResult notMember() {
        return new LeaveResult(false, false, null, List.of());
    }
}
