package io.rtcio.node.protocol;

/** Bounds on client-supplied strings. */
public final class Limits {

    /** Longest room id, in characters. */
    public static final int MAX_ROOM_ID_LENGTH = 128;
    /** Longest display name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest room password, in characters. */
    public static final int MAX_PASSWORD_LENGTH = 128;
    /** Longest chat text, in characters. */
    public static final int MAX_CHAT_TEXT_LENGTH = 1000;
    /** Longest socket id a client may address. Public ids are 20 characters. */
    public static final int MAX_SOCKET_ID_LENGTH = 64;

    private Limits() {
    }
}
