package io.rtcio.node.room;

import io.rtcio.node.session.LocalSocket;

/** Decides whether a socket may enter a room; refused joins get {@code forbidden}. */
@FunctionalInterface
public interface RoomAccessPolicy {

    /** Lets everyone into every room. */
    RoomAccessPolicy ALLOW_ALL = (socket, roomId) -> true;

    boolean mayJoin(LocalSocket socket, String roomId);
}
