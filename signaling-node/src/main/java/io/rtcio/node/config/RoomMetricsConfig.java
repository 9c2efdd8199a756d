package io.rtcio.node.config;

import java.util.Map;

/**
 * Per-room metrics settings.
 *
 * @param topK how many of the largest rooms this node exports with their own (hashed) room label;
 *             0 (the default) exports none, only the size distribution and the cluster-wide counts
 * @param key  the secret that keys the room-label hash, shared by the cluster's nodes so a room
 *             keeps its label wherever it is counted; null: a random key per process
 */
public record RoomMetricsConfig(int topK, String key) {

    public static final int MAX_TOP_K = 100;
    public static final int MIN_KEY_LENGTH = 16;
    public static final RoomMetricsConfig DEFAULT = new RoomMetricsConfig(0, null);

    /** Reads {@code ROOM_METRICS_TOP_K} and {@code ROOM_METRICS_KEY}; a bad value names its setting. */
    public static RoomMetricsConfig from(Map<String, String> vars) {
        Env env = new Env(vars);
        int topK = env.integer("ROOM_METRICS_TOP_K", 0, 0, MAX_TOP_K);
        String key = env.raw("ROOM_METRICS_KEY");
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            throw new ConfigException("ROOM_METRICS_KEY", "must be at least " + MIN_KEY_LENGTH + " characters");
        }
        return new RoomMetricsConfig(topK, key);
    }

    @Override
    public String toString() {
        return "RoomMetricsConfig[topK=" + topK + ", key=" + (key == null ? "random" : "set") + "]";
    }
}
