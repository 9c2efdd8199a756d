package io.rtcio.cluster;

import java.util.Objects;

/**
 * A socket in a room, as every node sees it.
 *
 * @param socketId the public socket id (what peers address)
 * @param nodeId   the node that owns the socket
 * @param name     the display name given at join
 * @param userId   the authenticated user id, or null when the socket is anonymous
 * @param epoch    which membership of this socket in the room this is: the owning node gives each
 *                 join a new one, so an announcement about an earlier membership (a late or
 *                 repeated message) can be told apart from one about the current membership.
 *                 0 when the caller does not track memberships.
 */
public record Member(String socketId, String nodeId, String name, String userId, long epoch) {
    public Member {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
    }

    /** A member whose memberships are not told apart (epoch 0). */
    public Member(String socketId, String nodeId, String name, String userId) {
        this(socketId, nodeId, name, userId, 0);
    }
}
