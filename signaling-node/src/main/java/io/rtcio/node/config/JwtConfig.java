package io.rtcio.node.config;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Set;

/**
 * How CONNECT tokens are verified. The key material is never shown by {@link #toString()}.
 *
 * @param keys         verification keys: the HS256 secret, or public RSA/EC keys
 * @param algorithms   signature algorithms accepted (derived from the keys)
 * @param keyVariable  the variable the keys came from ({@code JWT_SECRET}, {@code JWT_PUBLIC_KEY}, {@code JWT_JWKS_FILE})
 * @param issuer       required {@code iss}, or null for any ({@code JWT_ISSUER})
 * @param audience     required member of {@code aud}, or null for any ({@code JWT_AUDIENCE})
 * @param nameClaim    claim holding the display name ({@code JWT_NAME_CLAIM})
 * @param roomsClaim   claim listing the rooms the user may join ({@code JWT_ROOMS_CLAIM})
 * @param clockSkew    tolerance on {@code exp} and {@code nbf}
 */
public record JwtConfig(JWKSet keys, Set<JWSAlgorithm> algorithms, String keyVariable, String issuer,
                        String audience, String nameClaim, String roomsClaim, Duration clockSkew) {

    public static final String DEFAULT_NAME_CLAIM = "name";
    public static final String DEFAULT_ROOMS_CLAIM = "rooms";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public JwtConfig {
        algorithms = Set.copyOf(algorithms);
    }

    @Override
    public String toString() {
        return "JwtConfig[keys=" + keys.getKeys().size() + " from " + keyVariable + ", algorithms=" + algorithms
                + ", issuer=" + issuer + ", audience=" + audience + ", nameClaim=" + nameClaim
                + ", roomsClaim=" + roomsClaim + ", clockSkew=" + clockSkew + "]";
    }
}
