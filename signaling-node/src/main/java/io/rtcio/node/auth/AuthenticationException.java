package io.rtcio.node.auth;

/**
 * A refused connection. The client gets {@code connect_error} with {@link #getMessage()} as
 * {@code err.message} and {@code {code}} as {@code err.data}; the message must not reveal why a
 * credential failed beyond the protocol's two messages.
 */
public final class AuthenticationException extends Exception {

    public static final String MISSING_TOKEN = "missing token";
    public static final String INVALID_TOKEN = "invalid token";

    private final String code;

    /**
     * @param message what the client sees as {@code err.message}
     * @param code    what the client sees as {@code err.data.code}
     */
    public AuthenticationException(String message, String code) {
        super(message, null, false, false);
        this.code = code;
    }

    /** No token where one is required. */
    public static AuthenticationException missingToken() {
        return new AuthenticationException(MISSING_TOKEN, "missing-token");
    }

    /** A token that does not verify: malformed, bad signature, expired, wrong issuer or audience. */
    public static AuthenticationException invalidToken() {
        return new AuthenticationException(INVALID_TOKEN, "invalid-token");
    }

    public String code() {
        return code;
    }
}
