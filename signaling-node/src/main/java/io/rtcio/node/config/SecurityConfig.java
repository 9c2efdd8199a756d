package io.rtcio.node.config;

/**
 * Who may connect and what a socket may do.
 *
 * @param jwt           CONNECT token verification, or null when no key is configured
 * @param authRequired  whether a client without a token is refused ({@code AUTH_REQUIRED})
 * @param roomAllowList rooms everyone may join, or null ({@code ROOM_ALLOW_LIST_FILE})
 * @param rateLimit     the per-socket event rate limit
 * @param relayScope    who {@code #rtcio:message} may reach ({@code RELAY_POLICY})
 * @param sessionLimits what one client session may hold
 */
public record SecurityConfig(JwtConfig jwt, boolean authRequired, RoomAllowList roomAllowList,
                             RateLimitConfig rateLimit, RelayScope relayScope, SessionLimits sessionLimits) {

    /** No authentication, no allow-list, default limits, shared-room relays. */
    public static SecurityConfig defaults() {
        return new SecurityConfig(null, false, null, RateLimitConfig.defaults(), RelayScope.SHARED_ROOM,
                SessionLimits.defaults());
    }

    /** A copy with other session limits. */
    public SecurityConfig withSessionLimits(SessionLimits limits) {
        return new SecurityConfig(jwt, authRequired, roomAllowList, rateLimit, relayScope, limits);
    }
}
