package io.rtcio.loadtest;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulation run is told through system properties ({@code -Dname=value}); each simulation
 * gives its own defaults. A bad value stops the run before any user starts, naming the property.
 *
 * <ul>
 *   <li>{@code targets}: comma-separated base URLs ({@code http(s)://} or {@code ws(s)://}); users are
 *       spread over them round-robin, as an ingress would spread them over nodes</li>
 *   <li>{@code users}, {@code ramp} (s), {@code duration} (s), {@code roomSize}</li>
 *   <li>{@code transports}: {@code websocket} (default), {@code polling} or {@code polling,websocket}
 *       (see {@link Transports})</li>
 *   <li>{@code wait} (s): how long a user waits for an expected event before counting a violation</li>
 *   <li>{@code payloadBytes}, {@code sdpBytes}, {@code iceBytes}, {@code iceCandidates}: message sizes</li>
 *   <li>gates: {@code gate.koPercent}, {@code gate.joinP99Ms}, {@code gate.relayP99Ms}</li>
 * </ul>
 */
final class Settings {

    /** The targets as WebSocket base URLs ({@code ws(s)://host:port}). */
    final List<String> targets;
    /** The same targets as HTTP base URLs ({@code http(s)://host:port}), for long-polling. */
    final List<String> httpTargets;
    final Transports transports;
    final int users;
    final Duration ramp;
    final Duration duration;
    final int roomSize;
    final Duration wait;
    final int payloadBytes;
    final int sdpBytes;
    final int iceBytes;
    final int iceCandidates;
    final double koPercent;
    final int joinP99Ms;
    final int relayP99Ms;

    private Settings(Defaults d) {
        targets = Arrays.stream(string("targets", "http://127.0.0.1:3000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Settings::toWs).toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: no URL given");
        }
        httpTargets = targets.stream().map(Settings::toHttp).toList();
        // -Dtransport (singular) was the earlier name; it is still read when -Dtransports is not given.
        transports = Transports.parse(string("transports", string("transport", "websocket")));
        roomSize = integer("roomSize", d.roomSize, 2, 1000);
        int asked = integer("users", d.users, 1, 10_000_000);
        // Whole rooms only: a user waiting for a room-mate that never comes would count a violation.
        users = ((asked + roomSize - 1) / roomSize) * roomSize;
        ramp = Duration.ofMillis(integer("ramp", d.rampSeconds, 0, 86_400) * 1000L);
        duration = Duration.ofSeconds(integer("duration", d.durationSeconds, 0, 86_400));
        wait = Duration.ofSeconds(integer("wait", 20, 1, 3_600));
        payloadBytes = integer("payloadBytes", 286, 0, 1_000_000);
        sdpBytes = integer("sdpBytes", 3_000, 0, 1_000_000);
        iceBytes = integer("iceBytes", 300, 0, 1_000_000);
        iceCandidates = integer("iceCandidates", 15, 0, 10_000);
        koPercent = Double.parseDouble(string("gate.koPercent", "0"));
        joinP99Ms = integer("gate.joinP99Ms", d.joinP99Ms, 1, 3_600_000);
        relayP99Ms = integer("gate.relayP99Ms", d.relayP99Ms, 1, 3_600_000);
    }

    /** Defaults of one simulation. */
    record Defaults(int users, int rampSeconds, int durationSeconds, int roomSize, int joinP99Ms, int relayP99Ms) {
    }

    static Settings load(Defaults defaults) {
        return new Settings(defaults);
    }

    private static String toWs(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (u.startsWith("http://")) {
            return "ws://" + u.substring(7);
        }
        if (u.startsWith("https://")) {
            return "wss://" + u.substring(8);
        }
        if (u.startsWith("ws://") || u.startsWith("wss://")) {
            return u;
        }
        throw new IllegalArgumentException("targets: '" + url + "' must start with http://, https://, ws:// or wss://");
    }

    private static String toHttp(String wsUrl) {
        return wsUrl.startsWith("wss://") ? "https://" + wsUrl.substring(6) : "http://" + wsUrl.substring(5);
    }

    /**
     * Which Engine.IO transports a virtual user uses, as socket.io-client's {@code transports} option
     * names them.
     */
    enum Transports {
        /** WebSocket only: the Engine.IO handshake on the WebSocket itself. */
        WEBSOCKET("websocket"),
        /** HTTP long-polling only: handshake GET, then a long-poll GET loop, sends as POSTs. */
        POLLING("polling"),
        /** socket.io-client's default: handshake on long-polling, then the upgrade to WebSocket. */
        POLLING_UPGRADE("polling,websocket");

        final String property;

        Transports(String property) {
            this.property = property;
        }

        static Transports parse(String value) {
            String normalized = value.replace(" ", "");
            for (Transports t : values()) {
                if (t.property.equals(normalized)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("transports: one of websocket, polling, polling,websocket; got '"
                    + value + "'");
        }

        /** Whether the handshake runs on long-polling. */
        boolean startsOnPolling() {
            return this != WEBSOCKET;
        }

        /** Whether the room traffic runs on long-polling (no upgrade). */
        boolean staysOnPolling() {
            return this == POLLING;
        }
    }

    private static String string(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int integer(String name, int fallback, int min, int max) {
        String raw = string(name, Integer.toString(fallback));
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a whole number: '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "targets=" + targets + " transports=" + transports.property + " users=" + users + " ramp=" + ramp.toSeconds() + "s duration="
                + duration.toSeconds() + "s roomSize=" + roomSize + " wait=" + wait.toSeconds() + "s";
    }
}
