package io.rtcio.node.extension;

import io.rtcio.node.protocol.EventHandler;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An application event the node accepts besides the rtc.io protocol's, e.g. {@code report}.
 * Its handler runs like the protocol's: for admitted sockets only, in the socket's event order,
 * and may answer through the client's ack.
 *
 * @param namespace the namespace it is accepted on, or null for every namespace
 * @param name      the event name
 * @param handler   what handles it
 */
public record CustomEvent(String namespace, String name, EventHandler handler) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** socket.io's reserved names and the protocol's own events cannot be taken. */
    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener", "error");

    public CustomEvent {
        Objects.requireNonNull(handler, "handler");
        if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name) || name.startsWith("#rtcio:")) {
            throw new IllegalArgumentException("'" + name + "' cannot be a custom event name: use 1-64 letters, digits,"
                    + " '_', '.', ':' or '-', not a reserved name");
        }
    }
}
