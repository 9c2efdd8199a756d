package io.rtcio.node.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/** Event payloads written inline in tests. */
public final class Maps {

    private Maps() {
    }

    /** {@code map("roomId", "r", "name", "ann")}: keys and values alternating, in order. */
    public static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
