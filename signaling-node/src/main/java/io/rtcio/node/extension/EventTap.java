package io.rtcio.node.extension;

/**
 * Sees every event a client sends (logging, metrics, auditing). Called on a network I/O thread
 * for each event packet, in arrival order per socket: it must be quick and must not block. A tap
 * that throws is logged and ignored; it never affects the event or the connection.
 */
@FunctionalInterface
public interface EventTap {

    void onEvent(TappedEvent event);
}
