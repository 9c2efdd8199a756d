package io.rtcio.node.room;

import io.rtcio.node.session.LocalSocket;
import java.util.List;

/** The same rooms for everyone: ids and patterns (see {@link RoomPattern}) from an allow-list. */
public final class AllowListRoomAccessPolicy implements RoomAccessPolicy {

    private final List<RoomPattern> allowed;

    public AllowListRoomAccessPolicy(List<String> patterns) {
        this.allowed = patterns.stream().map(RoomPattern::new).toList();
    }

    @Override
    public boolean mayJoin(LocalSocket socket, String roomId) {
        for (RoomPattern pattern : allowed) {
            if (pattern.matches(roomId)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return allowed.size() + " allow-listed room patterns";
    }
}
