package io.rtcio.node.extension;

/**
 * One event a client sent, as the edge saw it (before it is handled).
 *
 * @param namespace the namespace, {@code /} for the default one
 * @param name      the event name as sent (may be an unknown or a refused one)
 * @param bytes     size of the socket.io packet in bytes (UTF-8), envelope included
 * @param socketId  the sender's public socket id, or null when it is not admitted to the namespace
 * @param roomId    the {@code roomId} of the event's payload when it has a string one, else null
 * @param refusal   the error code the event was refused with at the edge ({@code rate-limited},
 *                  {@code payload-too-large}, {@code invalid-payload}), or null when it goes on to its handler
 */
public record TappedEvent(String namespace, String name, int bytes, String socketId, String roomId, String refusal) {
}
