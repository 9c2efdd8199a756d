package io.rtcio.cluster;

import java.util.Objects;

/**
 * A request to join a room. The access decision (auth policy) is made by the node before the
 * request is sent; the registry applies the room's own rules atomically: membership, password,
 * capacity.
 *
 * @param roomId   the room
 * @param member   who joins
 * @param password the password supplied, or null/empty when none
 * @param maxPeers the capacity to enforce, at least 1
 */
public record JoinRequest(String roomId, Member member, String password, int maxPeers) {
    public JoinRequest {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(member, "member");
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be at least 1, got " + maxPeers);
        }
    }

    /** Whether a non-empty password was supplied. */
    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }
}
