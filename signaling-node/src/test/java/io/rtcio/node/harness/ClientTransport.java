package io.rtcio.node.harness;

import java.util.List;

/** Which transports a test client may use. */
public enum ClientTransport {
    /** socket.io's default: HTTP long-polling first, then an upgrade to websocket. */
    POLLING_UPGRADE(List.of("polling", "websocket")),
    /** Websocket only, no polling handshake. */
    WEBSOCKET(List.of("websocket"));

    private final List<String> names;

    ClientTransport(List<String> names) {
        this.names = names;
    }

    /** The client's {@code transports} option. */
    public List<String> transportNames() {
        return names;
    }
}
