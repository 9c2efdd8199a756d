package io.rtcio.loadtest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency samples the simulations record themselves (join-ok, relay rtt), printed at the end as one
 * machine-readable line ({@code LOADTEST-STATS {...}}) for compare.sh: Gatling 3.15 writes its own
 * statistics only into the HTML report and a binary log.
 */
final class Stats {

    private static final Map<String, long[]> SAMPLES = new LinkedHashMap<>();
    private static final Map<String, Integer> COUNTS = new LinkedHashMap<>();

    private Stats() {
    }

    static synchronized void record(String name, long nanos) {
        long[] samples = SAMPLES.computeIfAbsent(name, n -> new long[1024]);
        int count = COUNTS.getOrDefault(name, 0);
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
            SAMPLES.put(name, samples);
        }
        samples[count] = nanos;
        COUNTS.put(name, count + 1);
    }

    /** One JSON object: per series count and p50/p90/p99/max in ms; then violations and notes. */
    static synchronized String json(int violations, int notes) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, long[]> e : SAMPLES.entrySet()) {
            int n = COUNTS.get(e.getKey());
            long[] sorted = Arrays.copyOf(e.getValue(), n);
            Arrays.sort(sorted);
            out.append('"').append(e.getKey()).append("\":{\"count\":").append(n)
                    .append(",\"p50\":").append(ms(sorted, 0.50)).append(",\"p90\":").append(ms(sorted, 0.90))
                    .append(",\"p99\":").append(ms(sorted, 0.99)).append(",\"max\":").append(ms(sorted, 1.0)).append("},");
        }
        return out.append("\"violations\":").append(violations).append(",\"notes\":").append(notes).append('}').toString();
    }

    private static String ms(long[] sorted, double p) {
        if (sorted.length == 0) {
            return "null";
        }
        int i = Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length));
        return String.format(java.util.Locale.ROOT, "%.2f", sorted[i] / 1e6);
    }
}
