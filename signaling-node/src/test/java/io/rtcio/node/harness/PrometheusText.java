package io.rtcio.node.harness;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sample values out of a Prometheus text exposition. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * Sum of the samples of {@code metric} whose label set contains {@code labelFragment}
     * (e.g. {@code result="dropped"}; empty matches all).
     */
    public static double sum(String exposition, String metric, String labelFragment) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(exposition);
        double total = 0;
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            if (labels.contains(labelFragment)) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }
}
