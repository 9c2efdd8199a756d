package io.rtcio.cluster.redis;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A Redis operation of the cluster backend failed. The message says what was attempted and why it
 * failed ("join of room r1 failed: Connection closed"); the cause is Lettuce's exception.
 */
public final class RedisBackendException extends RuntimeException {

    public RedisBackendException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code stage}, whose failure is replaced by a {@code RedisBackendException} saying
     * "{@code intent} failed: cause".
     */
    static <T> CompletionStage<T> withIntent(CompletionStage<T> stage, String intent) {
        return stage.handle((value, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                throw new RedisBackendException(intent + " failed: " + cause.getMessage(), cause);
            }
            return value;
        });
    }

    /** The exception inside the wrappers that futures add. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
