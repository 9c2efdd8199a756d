package io.rtcio.node.redis;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a test can read off a standalone Redis: command counters and keys. */
final class RedisStats {

    private RedisStats() {
    }

    /** How many times {@code command} (lower case, e.g. "publish") ran since the server started. */
    static long calls(RedisServer redis, String command) {
        Map<String, String> stats = Resp.fields(redis.command("INFO", "commandstats"));
        String line = stats.get("cmdstat_" + command);
        if (line == null) {
            return 0;
        }
        for (String part : line.split(",")) {
            if (part.startsWith("calls=")) {
                return Long.parseLong(part.substring("calls=".length()));
            }
        }
        return 0;
    }

    /** Every key matching {@code pattern}, by SCAN. */
    static List<String> keys(RedisServer redis, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) redis.command("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = String.valueOf(reply.get(0));
            for (Object key : (List<?>) reply.get(1)) {
                keys.add(String.valueOf(key));
            }
        } while (!"0".equals(cursor));
        return keys;
    }
}
