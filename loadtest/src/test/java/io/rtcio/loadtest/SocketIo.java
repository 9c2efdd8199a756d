package io.rtcio.loadtest;

/**
 * Socket.IO v4 frames as Gatling sends them over a raw WebSocket: the Engine.IO path, the namespace
 * CONNECT and {@code 42[...]} event frames.
 */
public final class SocketIo {

    /** Engine.IO v4 WebSocket path, appended to the target base URL. */
    public static final String PATH = "/socket.io/?EIO=4&transport=websocket";

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
