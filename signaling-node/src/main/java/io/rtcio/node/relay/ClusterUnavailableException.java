package io.rtcio.node.relay;

/** A relay that needed the shared state or the bus when it was unreachable. No stack trace: expected during an outage. */
public final class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(Throwable cause) {
        super(cause == null ? "cluster unavailable" : cause.toString(), cause, false, false);
    }
}
