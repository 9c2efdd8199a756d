package io.rtcio.node.config;

/** Which targets a socket may send {@code #rtcio:message} to ({@code RELAY_POLICY}). */
public enum RelayScope {
    /** Only sockets that share a room with the sender (the default). */
    SHARED_ROOM("shared-room"),
    /** Any connected socket whose id the sender knows. */
    ANY("any");

    private final String setting;

    RelayScope(String setting) {
        this.setting = setting;
    }

    /** The value as written in {@code RELAY_POLICY}. */
    public String setting() {
        return setting;
    }
}
