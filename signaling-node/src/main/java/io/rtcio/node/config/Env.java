package io.rtcio.node.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Typed reads of environment variables; every bad value is a {@link ConfigException} naming it. */
final class Env {

    private final Map<String, String> vars;

    Env(Map<String, String> vars) {
        this.vars = vars;
    }

    /** The trimmed value, or null when unset or blank. */
    String raw(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    String string(String name, String fallback) {
        String value = raw(name);
        return value == null ? fallback : value;
    }

    int integer(String name, int fallback, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be an integer, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    /** {@code true}/{@code false} (any case), or null when unset. */
    Boolean bool(String name) {
        String value = raw(name);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new ConfigException(name, "must be 'true' or 'false', got '" + value + "'");
        };
    }

    /** A readable regular file, or null when unset. */
    Path readableFile(String name) {
        String value = raw(name);
        if (value == null) {
            return null;
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(name, "is not a valid path: '" + value + "'");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(name, "must name a readable file, got '" + value + "'");
        }
        return path;
    }
}
