package io.rtcio.cluster;

import java.util.Objects;

/**
 * What one node asks another to deliver to its local sockets. The payload is the event's JSON
 * argument, already encoded: the bus never looks inside it.
 */
public sealed interface ClusterMessage {

    /** The node that published the message. */
    String originNode();

    /**
     * Deliver {@code event} with {@code payloadJson} to the one local socket {@code targetSocket}.
     * {@code senderSocket} is the socket on whose behalf it is sent (for ordering and metrics).
     */
    record ToSocket(String originNode, String senderSocket, String targetSocket, String event, String payloadJson)
            implements ClusterMessage {
        public ToSocket {
            Objects.requireNonNull(originNode, "originNode");
            Objects.requireNonNull(targetSocket, "targetSocket");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(payloadJson, "payloadJson");
        }
    }

    /**
     * Deliver {@code event} with {@code payloadJson} to every local member of {@code roomId} except
     * {@code exceptSocket} (may be null).
     */
    record ToRoom(String originNode, String roomId, String exceptSocket, String event, String payloadJson)
            implements ClusterMessage {
        public ToRoom {
            Objects.requireNonNull(originNode, "originNode");
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(payloadJson, "payloadJson");
        }
    }
}
