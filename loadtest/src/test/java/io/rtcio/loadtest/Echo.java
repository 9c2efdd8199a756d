package io.rtcio.loadtest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gatling's automatic reply to inbound text frames: answers Engine.IO pings ({@code 2} with
 * {@code 3}) and echoes each relay ping back to its sender as a pong, at once on the receiving
 * connection, so the sender's await measures the relay round trip through the servers. On the way
 * it checks that pings from one sender arrive in order and carry the server-set {@code source}.
 */
final class Echo {

    private static final Pattern PING = Pattern.compile(
            "^42\\[\"#rtcio:message\",\\{.*\"k\":\"ping\",\"seq\":(\\d+),\"from\":\"([^\"]+)\"");
    private static final Pattern SOURCE = Pattern.compile("\"source\":\"([^\"]+)\"");
    private static final Pattern TARGET = Pattern.compile("\"target\":\"([^\"]+)\"");

    /** Next expected seq per (sender, receiver). */
    private static final Map<String, Integer> NEXT = new ConcurrentHashMap<>();
    /** Violations per sender. */
    private static final Map<String, Integer> VIOLATIONS = new ConcurrentHashMap<>();

    private Echo() {
    }

    /** The reply to send, or null to let the frame through to the checks. */
    static String reply(String frame) {
        if (frame.equals("2")) {
            return "3";
        }
        if (!frame.startsWith("42[\"#rtcio:message\"") || !frame.contains("\"k\":\"ping\"")) {
            return null;
        }
        Matcher ping = PING.matcher(frame);
        Matcher source = SOURCE.matcher(frame);
        Matcher target = TARGET.matcher(frame);
        if (!ping.find() || !source.find() || !target.find()) {
            VIOLATIONS.merge("?", 1, Integer::sum);
            return null;
        }
        int seq = Integer.parseInt(ping.group(1));
        String from = ping.group(2);
        String src = source.group(1);
        String me = target.group(1);
        if (!src.equals(from)) {
            VIOLATIONS.merge(from, 1, Integer::sum);
        }
        // Gatling may ask for the reply to one frame more than once: a repeat of the last seq is that,
        // not a duplicate (a duplicate delivery would be echoed twice and caught by the sender).
        int expected = NEXT.getOrDefault(from + ">" + me, 0);
        if (seq != expected && seq != expected - 1) {
            VIOLATIONS.merge(from, 1, Integer::sum);
        }
        NEXT.put(from + ">" + me, Math.max(expected, seq + 1));
        return SocketIo.event("#rtcio:message",
                "{\"target\":\"" + src + "\",\"data\":{\"k\":\"pong\",\"seq\":" + seq + ",\"from\":\"" + me + "\"}}");
    }

    /** Whether {@code frame} is the pong of ping {@code seq} (pongs are written by {@link #reply}). */
    static boolean isPong(String frame, int seq) {
        return frame.startsWith("42[\"#rtcio:message\"") && frame.contains("\"k\":\"pong\",\"seq\":" + seq + ",");
    }

    static int violationsFrom(String sender) {
        return VIOLATIONS.getOrDefault(sender, 0);
    }
}
