package io.rtcio.node.config;

import java.time.Duration;

/**
 * What one client session may hold, so that no client can fill a node.
 *
 * @param maxRoomsPerSocket rooms a socket may be in at once; the next {@code join-room} is refused
 *                          with {@code too-many-rooms} ({@code MAX_ROOMS_PER_SOCKET})
 * @param connectTimeout    how long an Engine.IO session may stay open without a namespace CONNECT
 *                          that passed; then it is closed, as socket.io does ({@code CONNECT_TIMEOUT_MS})
 */
public record SessionLimits(int maxRoomsPerSocket, Duration connectTimeout) {

    public static final int DEFAULT_MAX_ROOMS_PER_SOCKET = 16;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(45);

    /** The defaults: 16 rooms, 45 s. */
    public static SessionLimits defaults() {
        return new SessionLimits(DEFAULT_MAX_ROOMS_PER_SOCKET, DEFAULT_CONNECT_TIMEOUT);
    }
}
