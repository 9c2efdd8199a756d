package io.rtcio.loadtest;

/**
 * Socket.IO v4 frames as Gatling sends them over a raw WebSocket or in long-polling bodies: the
 * Engine.IO paths, the namespace CONNECT, {@code 42[...]} event frames and the upgrade packets.
 */
public final class SocketIo {

    /** Engine.IO v4 WebSocket path, appended to the target base URL. */
    public static final String PATH = "/socket.io/?EIO=4&transport=websocket";

    /** Engine.IO v4 long-polling path; the handshake GET has no {@code sid}, every later request has. */
    public static final String POLLING_PATH = "/socket.io/?EIO=4&transport=polling";

    /** Regex matching the Engine.IO open packet; group 1 is the Engine.IO session id. */
    public static final String OPEN = "^0\\{.*\"sid\":\"([^\"]+)\"";

    /** Upgrade probe sent on the new WebSocket, its answer, and the upgrade packet that completes it. */
    public static final String PROBE = "2probe";
    public static final String PROBE_OK = "3probe";
    public static final String UPGRADE = "5";

    /** Engine.IO close packet: ends a long-polling session (as socket.io-client's close does). */
    public static final String CLOSE = "1";

    /** Socket.IO CONNECT to the default namespace. */
    public static final String CONNECT = "40";

    /** Regex matching the server's CONNECT answer; group 1 is the socket id. */
    public static final String CONNECT_OK = "^40\\{\"sid\":\"([^\"]+)\"";

    private SocketIo() {
    }

    /**
     * An event frame {@code 42["name",payload]}.
     *
     * @param name the event name, without quotes or escapes needed
     * @param jsonPayload the payload, already JSON
     * @return the text frame
     */
    public static String event(String name, String jsonPayload) {
        return "42[\"" + name + "\"," + jsonPayload + "]";
    }

    /**
     * Regex matching an incoming event frame of the given name.
     *
     * @param name the event name
     * @return the regex
     */
    public static String eventPattern(String name) {
        return "^42\\[\"" + java.util.regex.Pattern.quote(name) + "\"";
    }
}
