package io.rtcio.node.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.rtcio.node.config.JwtConfig;
import io.rtcio.node.protocol.Limits;
import java.text.ParseException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the CONNECT {@code auth.token} as a signed JWT: signature against the configured keys
 * (HS256 secret, or RSA/EC public keys), {@code exp} always (with a small clock skew), {@code iss}
 * and {@code aud} when configured; {@code sub} is required and becomes the user id. Unsigned
 * tokens and algorithms that do not fit the keys are refused. Thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {

    /** Longer tokens are refused unparsed. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** Longest accepted {@code sub}. */
    static final int MAX_USER_ID_LENGTH = 256;

    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final boolean required;
    private final String nameClaim;

    /**
     * @param config   keys and checks
     * @param required whether a client without a token is refused ({@code missing token}) rather than
     *                 admitted anonymously
     */
    public JwtAuthenticator(JwtConfig config, boolean required) {
        this.required = required;
        this.nameClaim = config.nameClaim();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(config.algorithms(),
                new ImmutableJWKSet<>(config.keys())));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (config.issuer() != null) {
            exact.issuer(config.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audience() == null ? null : Set.of(config.audience()), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    @Override
    public Identity authenticate(ConnectRequest request) throws AuthenticationException {
        Object raw = request.auth().get("token");
        if (raw == null || (raw instanceof String blank && blank.isBlank())) {
            if (required) {
                throw AuthenticationException.missingToken();
            }
            return Identity.ANONYMOUS;
        }
        if (!(raw instanceof String token) || token.length() > MAX_TOKEN_LENGTH) {
            throw AuthenticationException.invalidToken();
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token.trim(), null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            // The reason is for operators; the client only learns "invalid token". Never log the token.
            log.debug("refused a token: {}", e.getMessage());
            throw AuthenticationException.invalidToken();
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_USER_ID_LENGTH) {
            throw AuthenticationException.invalidToken();
        }
        String name = claims.getClaim(nameClaim) instanceof String text && !text.isBlank() ? bounded(text) : null;
        return new Identity(subject, name, claims.toJSONObject());
    }

    private static String bounded(String name) {
        return name.length() <= Limits.MAX_NAME_LENGTH ? name : name.substring(0, Limits.MAX_NAME_LENGTH);
    }
}
