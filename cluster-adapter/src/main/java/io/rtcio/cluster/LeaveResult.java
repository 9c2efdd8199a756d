package io.rtcio.cluster;

/**
 * The outcome of {@link RoomRegistry#leave}.
 *
 * @param wasMember   whether the socket was a member before the call
 * @param roomEmptied whether the room became empty (its password and media states are gone)
 */
public record LeaveResult(boolean wasMember, boolean roomEmptied) {
}
