package io.rtcio.node.auth;

/**
 * Decides who a connecting client is, from its namespace CONNECT. The node calls it for every
 * CONNECT (also when the client sent no {@code auth} object) before the socket exists; a refused
 * client is never admitted and its connection is closed shortly after.
 *
 * <p>Runs on a network I/O thread: it must be quick and must not block (verify signatures
 * against keys held in memory, not against a remote service per call). Thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

    /** Admits everyone as {@link Identity#ANONYMOUS}. */
    Authenticator ANONYMOUS = request -> Identity.ANONYMOUS;

    /**
     * @return the client's identity ({@link Identity#ANONYMOUS} to admit it without one)
     * @throws AuthenticationException to refuse it
     */
    Identity authenticate(ConnectRequest request) throws AuthenticationException;
}
