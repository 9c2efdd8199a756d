package io.rtcio.node.config;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code JWT_SECRET}, {@code JWT_PUBLIC_KEY} (a PEM file) or {@code JWT_JWKS_FILE} into
 * verification keys and the algorithms they allow. Nothing here ever puts key material into a
 * message.
 */
final class JwtKeyLoader {

    /** HS256 needs a key as long as its hash: 256 bits. */
    static final int MIN_SECRET_BYTES = 32;
    static final int MIN_RSA_BITS = 2048;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** Verification keys and the algorithms they accept. */
    record Keys(JWKSet set, Set<JWSAlgorithm> algorithms) {
    }

    private JwtKeyLoader() {
    }

    static Keys fromSecret(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new ConfigException("JWT_SECRET", "must be at least " + MIN_SECRET_BYTES + " bytes (256 bits) for"
                    + " HS256, got " + bytes.length + " bytes");
        }
        return new Keys(new JWKSet(new OctetSequenceKey.Builder(bytes).build()), Set.of(JWSAlgorithm.HS256));
    }

    static Keys fromPem(Path file) {
        String variable = "JWT_PUBLIC_KEY";
        Matcher pem = PEM.matcher(read(variable, file));
        if (!pem.find()) {
            throw new ConfigException(variable, file + " holds no PEM block; expected '-----BEGIN PUBLIC KEY-----'");
        }
        String type = pem.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(2));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, file + ": the PEM block is not valid base64");
        }
        PublicKey key = switch (type) {
            case "PUBLIC KEY" -> publicKey(variable, file, der);
            case "CERTIFICATE" -> certificateKey(variable, file, der);
            default -> throw new ConfigException(variable, file + " holds a '" + type + "' block; expected a public key"
                    + " ('BEGIN PUBLIC KEY', e.g. from `openssl pkey -pubout`) or a certificate");
        };
        JWK jwk;
        if (key instanceof RSAPublicKey rsa) {
            jwk = new RSAKey.Builder(rsa).build();
        } else if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new ConfigException(variable, file + ": unsupported elliptic curve; use P-256, P-384 or P-521");
            }
            jwk = new ECKey.Builder(curve, ec).build();
        } else {
            throw new ConfigException(variable, file + ": only RSA and EC public keys are supported");
        }
        return keys(variable, List.of(jwk));
    }

    static Keys fromJwks(Path file) {
        String variable = "JWT_JWKS_FILE";
        JWKSet set;
        try {
            set = JWKSet.parse(read(variable, file));
        } catch (ParseException e) {
            throw new ConfigException(variable, file + " is not a JWK set: " + e.getMessage());
        }
        List<JWK> usable = new ArrayList<>();
        for (JWK jwk : set.toPublicJWKSet().getKeys()) {
            if (jwk instanceof RSAKey || jwk instanceof ECKey) {
                usable.add(jwk);
            }
        }
        if (usable.isEmpty()) {
            throw new ConfigException(variable, file + " holds no public RSA or EC key");
        }
        return keys(variable, usable);
    }

    private static Keys keys(String variable, List<JWK> jwks) {
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        for (JWK jwk : jwks) {
            Set<JWSAlgorithm> family = family(variable, jwk);
            if (jwk.getAlgorithm() != null) {
                JWSAlgorithm declared = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
                if (!family.contains(declared)) {
                    throw new ConfigException(variable, "key " + describe(jwk) + " declares alg " + declared
                            + ", which does not fit the key");
                }
                family = Set.of(declared);
            }
            algorithms.addAll(family);
        }
        return new Keys(new JWKSet(jwks), algorithms);
    }

    private static Set<JWSAlgorithm> family(String variable, JWK jwk) {
        if (jwk instanceof RSAKey rsa) {
            if (rsa.size() < MIN_RSA_BITS) {
                throw new ConfigException(variable, "RSA key " + describe(jwk) + " has " + rsa.size() + " bits; at least "
                        + MIN_RSA_BITS + " are required");
            }
            return Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
        }
        Curve curve = ((ECKey) jwk).getCurve();
        if (Curve.P_256.equals(curve)) {
            return Set.of(JWSAlgorithm.ES256);
        } else if (Curve.P_384.equals(curve)) {
            return Set.of(JWSAlgorithm.ES384);
        } else if (Curve.P_521.equals(curve)) {
            return Set.of(JWSAlgorithm.ES512);
        }
        throw new ConfigException(variable, "EC key " + describe(jwk) + " uses curve " + curve
                + "; use P-256, P-384 or P-521");
    }

    private static String describe(JWK jwk) {
        return jwk.getKeyID() == null ? "(no kid)" : "'" + jwk.getKeyID() + "'";
    }

    private static PublicKey publicKey(String variable, Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new ConfigException(variable, file + ": the public key is neither RSA nor EC, or it is damaged");
    }

    private static PublicKey certificateKey(String variable, Path file, byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new ConfigException(variable, file + ": the certificate cannot be read: " + e.getMessage());
        }
    }

    private static String read(String variable, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(variable, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
