package io.rtcio.node.room;

import io.rtcio.node.session.LocalSocket;

/**
 * Decides whether a socket may enter a room (its {@link LocalSocket#identity()} says who it is);
 * refused {@code join-room} and {@code check-room} get {@code forbidden}. Called in the socket's
 * event order; must be quick, non-blocking and thread-safe.
 */
@FunctionalInterface
public interface RoomAccessPolicy {

    /** Lets everyone into every room. */
    RoomAccessPolicy ALLOW_ALL = (socket, roomId) -> true;

    boolean mayJoin(LocalSocket socket, String roomId);
}
