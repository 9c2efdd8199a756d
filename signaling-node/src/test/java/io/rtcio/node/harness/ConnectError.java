package io.rtcio.node.harness;

/**
 * What a client reported as {@code connect_error}.
 *
 * @param message {@code err.message}; for a server rejection it is the {@code message} of the CONNECT_ERROR
 *                payload (empty when the server sent a bare string), otherwise a transport error such as
 *                {@code "xhr poll error"}, {@code "websocket error"} or {@code "timeout"}
 * @param data    {@code err.data} normalised to plain Java types, or {@code null}
 */
public record ConnectError(String message, Object data) {
}
