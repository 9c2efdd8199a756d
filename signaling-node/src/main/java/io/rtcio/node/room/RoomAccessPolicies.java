package io.rtcio.node.room;

import io.rtcio.node.config.SecurityConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the node's room access policy from its configuration, in one place, and says which. */
public final class RoomAccessPolicies {

    private static final Logger log = LoggerFactory.getLogger(RoomAccessPolicies.class);

    private RoomAccessPolicies() {
    }

    /**
     * The allow-list file when one is configured; else, when JWTs are verified, the rooms claim;
     * else every room is open to everyone.
     */
    public static RoomAccessPolicy fromConfig(SecurityConfig security) {
        if (security.roomAllowList() != null) {
            log.info("room access: {} patterns from {} for everyone", security.roomAllowList().patterns().size(),
                    security.roomAllowList().source());
            return new AllowListRoomAccessPolicy(security.roomAllowList().patterns());
        }
        if (security.jwt() != null) {
            log.info("room access: rooms listed in the token's '{}' claim", security.jwt().roomsClaim());
            return new ClaimRoomAccessPolicy(security.jwt().roomsClaim());
        }
        log.info("room access: every room is open (no JWT key, no ROOM_ALLOW_LIST_FILE)");
        return RoomAccessPolicy.ALLOW_ALL;
    }
}
