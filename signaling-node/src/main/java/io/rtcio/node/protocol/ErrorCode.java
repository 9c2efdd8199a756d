package io.rtcio.node.protocol;

/** The protocol's error codes; {@link #wire()} is the string clients see. */
public enum ErrorCode {
    INVALID_ROOM("invalid-room"),
    INVALID_PAYLOAD("invalid-payload"),
    FORBIDDEN("forbidden"),
    ROOM_FULL("room-full"),
    PASSWORD_REQUIRED("password-required"),
    WRONG_PASSWORD("wrong-password"),
    NOT_IN_ROOM("not-in-room"),
    RATE_LIMITED("rate-limited"),
    PAYLOAD_TOO_LARGE("payload-too-large"),
    TOO_MANY_ROOMS("too-many-rooms"),
    /** The shared state (Redis) could not be reached in time: nothing was done, the client may retry. */
    UNAVAILABLE("unavailable");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
