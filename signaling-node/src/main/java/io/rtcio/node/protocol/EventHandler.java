package io.rtcio.node.protocol;

import io.rtcio.node.session.LocalSocket;
import java.util.concurrent.CompletionStage;

/**
 * Handles one client event for an admitted socket. Runs in the socket's order (see
 * {@link LocalSocket#submit}); refuses bad input by throwing {@link SignalingException}, or by
 * completing the stage with one.
 */
@FunctionalInterface
public interface EventHandler {

    CompletionStage<?> handle(LocalSocket socket, Object payload, Ack ack);

    /** The client's acknowledgement callback, when it sent one. */
    interface Ack {
        /** Whether the client asked for an acknowledgement. */
        boolean requested();

        /** Answers the client's callback with these arguments. */
        void reply(Object... args);
    }
}
