package io.rtcio.node.auth;

import io.rtcio.node.config.SecurityConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the node's authenticator from its configuration, in one place, and says which. */
public final class Authenticators {

    private static final Logger log = LoggerFactory.getLogger(Authenticators.class);

    private Authenticators() {
    }

    /** JWT verification when a key is configured, otherwise everyone is anonymous. */
    public static Authenticator fromConfig(SecurityConfig security) {
        if (security.jwt() == null) {
            log.info("authentication: none, every socket is anonymous (set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_FILE)");
            return Authenticator.ANONYMOUS;
        }
        log.info("authentication: JWT {} with keys from {}, token {}", security.jwt().algorithms(),
                security.jwt().keyVariable(), security.authRequired() ? "required" : "optional");
        return new JwtAuthenticator(security.jwt(), security.authRequired());
    }
}
