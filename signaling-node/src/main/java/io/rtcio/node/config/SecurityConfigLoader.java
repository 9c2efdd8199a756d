package io.rtcio.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads {@link SecurityConfig}: JWT keys and checks, {@code AUTH_REQUIRED}, the room allow-list,
 * rate limits and the relay policy. Key files are parsed here, so a bad key stops the node at
 * start-up with the variable named.
 */
final class SecurityConfigLoader {

    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** Longest line of the allow-list, as a room id can be at most 128 characters. */
    private static final int MAX_PATTERN_LENGTH = 128;

    private final Env env;

    SecurityConfigLoader(Env env) {
        this.env = env;
    }

    SecurityConfig load() {
        JwtConfig jwt = jwt();
        Boolean required = env.bool("AUTH_REQUIRED");
        if (Boolean.TRUE.equals(required) && jwt == null) {
            throw new ConfigException("AUTH_REQUIRED", "is true, but no key is configured: set JWT_SECRET,"
                    + " JWT_PUBLIC_KEY or JWT_JWKS_FILE");
        }
        return new SecurityConfig(jwt, required == null ? jwt != null : required, allowList(), rateLimit(), relayScope(),
                sessionLimits());
    }

    private JwtConfig jwt() {
        List<String> set = new ArrayList<>();
        for (String name : List.of("JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_JWKS_FILE")) {
            if (env.raw(name) != null) {
                set.add(name);
            }
        }
        if (set.size() > 1) {
            throw new ConfigException(set.get(1), "set only one of JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_FILE"
                    + " (found " + String.join(" and ", set) + ")");
        }
        if (set.isEmpty()) {
            for (String name : List.of("JWT_ISSUER", "JWT_AUDIENCE")) {
                if (env.raw(name) != null) {
                    throw new ConfigException(name, "has no effect without JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_FILE");
                }
            }
            return null;
        }
        String variable = set.get(0);
        JwtKeyLoader.Keys keys = switch (variable) {
            case "JWT_SECRET" -> JwtKeyLoader.fromSecret(env.raw(variable));
            case "JWT_PUBLIC_KEY" -> JwtKeyLoader.fromPem(env.readableFile(variable));
            default -> JwtKeyLoader.fromJwks(env.readableFile(variable));
        };
        return new JwtConfig(keys.set(), keys.algorithms(), variable, env.raw("JWT_ISSUER"), env.raw("JWT_AUDIENCE"),
                claim("JWT_NAME_CLAIM", JwtConfig.DEFAULT_NAME_CLAIM),
                claim("JWT_ROOMS_CLAIM", JwtConfig.DEFAULT_ROOMS_CLAIM), JwtConfig.DEFAULT_CLOCK_SKEW);
    }

    private String claim(String name, String fallback) {
        String value = env.string(name, fallback);
        if (!CLAIM.matcher(value).matches()) {
            throw new ConfigException(name, "must be a claim name of 1-64 letters, digits, '_', '.', ':' or '-', got '"
                    + value + "'");
        }
        return value;
    }

    private RoomAllowList allowList() {
        String variable = "ROOM_ALLOW_LIST_FILE";
        Path file = env.readableFile(variable);
        if (file == null) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(variable, "cannot read " + file + ": " + e.getMessage());
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.length() > MAX_PATTERN_LENGTH) {
                throw new ConfigException(variable, file + " line " + (i + 1) + " is longer than " + MAX_PATTERN_LENGTH
                        + " characters");
            }
            patterns.add(line);
        }
        return new RoomAllowList(file, patterns);
    }

    private RateLimitConfig rateLimit() {
        int perSecond = env.integer("RATE_LIMIT_EVENTS_PER_SEC", RateLimitConfig.DEFAULT_EVENTS_PER_SECOND, 0, 100_000);
        int burst = env.integer("RATE_LIMIT_BURST", Math.max(RateLimitConfig.DEFAULT_BURST, perSecond), 1, 100_000);
        int maxDelay = env.integer("RATE_LIMIT_MAX_DELAY_MS",
                (int) RateLimitConfig.DEFAULT_MAX_DELAY.toMillis(), 0, 60_000);
        int disconnectAfter = env.integer("RATE_LIMIT_DISCONNECT_AFTER_MS",
                (int) RateLimitConfig.DEFAULT_DISCONNECT_AFTER.toMillis(), 0, 3_600_000);
        return new RateLimitConfig(perSecond, burst, Duration.ofMillis(maxDelay), Duration.ofMillis(disconnectAfter));
    }

    private SessionLimits sessionLimits() {
        int rooms = env.integer("MAX_ROOMS_PER_SOCKET", SessionLimits.DEFAULT_MAX_ROOMS_PER_SOCKET, 1, 10_000);
        int connectTimeout = env.integer("CONNECT_TIMEOUT_MS",
                (int) SessionLimits.DEFAULT_CONNECT_TIMEOUT.toMillis(), 1_000, 600_000);
        return new SessionLimits(rooms, Duration.ofMillis(connectTimeout));
    }

    private RelayScope relayScope() {
        String value = env.string("RELAY_POLICY", RelayScope.SHARED_ROOM.setting()).toLowerCase(Locale.ROOT);
        for (RelayScope scope : RelayScope.values()) {
            if (scope.setting().equals(value)) {
                return scope;
            }
        }
        throw new ConfigException("RELAY_POLICY", "must be 'shared-room' or 'any', got '" + value + "'");
    }
}
