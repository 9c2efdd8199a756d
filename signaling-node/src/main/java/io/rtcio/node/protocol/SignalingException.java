package io.rtcio.node.protocol;

/** A refused event: becomes an {@code error} (and for joins a {@code join-error}) to the sender. */
public final class SignalingException extends RuntimeException {

    private final ErrorCode code;
    private final String roomId;

    public SignalingException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public SignalingException(ErrorCode code, String message, String roomId) {
        super(message, null, false, false);
        this.code = code;
        this.roomId = roomId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The room the refused event was about, or null. */
    public String roomId() {
        return roomId;
    }
}
