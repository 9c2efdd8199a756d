package io.rtcio.cluster;

import java.util.List;
import java.util.Map;

/** The outcome of {@link RoomRegistry#join}. */
public sealed interface JoinResult {

    /**
     * The socket is now a member. {@code existing} are the members before the join, in join order;
     * {@code mediaStates} their cached media states (socket id → state), taken in the same atomic step.
     */
    record Joined(List<Member> existing, Map<String, MediaState> mediaStates) implements JoinResult {
        public Joined {
            existing = List.copyOf(existing);
            mediaStates = Map.copyOf(mediaStates);
        }
    }

    /** The socket was already a member; nothing changed. */
    record AlreadyMember() implements JoinResult {
    }

    /** The join was refused by a room rule; nothing changed. */
    record Refused(Reason reason) implements JoinResult {
    }

    /** Why a join was refused by the registry. */
    enum Reason {
        ROOM_FULL, PASSWORD_REQUIRED, WRONG_PASSWORD
    }
}
