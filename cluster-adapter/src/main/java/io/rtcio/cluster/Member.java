package io.rtcio.cluster;

import java.util.Objects;

/**
 * A socket in a room, as every node sees it.
 *
 * @param socketId the public socket id (what peers address)
 * @param nodeId   the node that owns the socket
 * @param name     the display name given at join
 * @param userId   the authenticated user id, or null when the socket is anonymous
 */
public record Member(String socketId, String nodeId, String name, String userId) {
    public Member {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
    }
}
