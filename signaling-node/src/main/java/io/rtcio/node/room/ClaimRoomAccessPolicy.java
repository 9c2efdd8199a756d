package io.rtcio.node.room;

import io.rtcio.node.session.LocalSocket;
import java.util.Collection;

/**
 * Rooms granted by a claim of the socket's credentials (JWT {@code rooms} by default): a list of
 * room ids and patterns (see {@link RoomPattern}), or one string of them separated by spaces or
 * commas. A socket without the claim, or an anonymous one, may join no room.
 */
public final class ClaimRoomAccessPolicy implements RoomAccessPolicy {

    private final String claim;

    public ClaimRoomAccessPolicy(String claim) {
        this.claim = claim;
    }

    @Override
    public boolean mayJoin(LocalSocket socket, String roomId) {
        Object grants = socket.identity().claims().get(claim);
        if (grants instanceof String text) {
            for (String grant : text.split("[\\s,]+")) {
                if (!grant.isEmpty() && new RoomPattern(grant).matches(roomId)) {
                    return true;
                }
            }
        } else if (grants instanceof Collection<?> list) {
            for (Object grant : list) {
                if (grant instanceof String pattern && new RoomPattern(pattern).matches(roomId)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "rooms granted by the '" + claim + "' claim";
    }
}
