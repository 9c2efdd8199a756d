package io.rtcio.cluster;

/**
 * What {@code check-room} may learn about a room without joining it.
 *
 * @param size             current number of members (0 when the room does not exist)
 * @param passwordRequired whether a password is set
 */
public record RoomInfo(int size, boolean passwordRequired) {
}
