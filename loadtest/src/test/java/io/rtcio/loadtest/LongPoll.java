package io.rtcio.loadtest;

import io.gatling.javaapi.core.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * One virtual user's Engine.IO v4 long-polling session, as the Gatling steps drive it: the session
 * id, the target it is pinned to, what waits to be POSTed, and what the user is waiting for.
 *
 * <p>A polling body holds packets separated by {@code \u001e}. Each packet goes where a WebSocket
 * frame would go: first to {@link Echo#reply} (the auto-reply: pings answered with pongs, relay
 * pings echoed), then to the awaited match if one is armed, else to the user's {@link RtcPeer}.
 * Replies wait in {@link #takePending()} for the next POST, which the steps send before the next
 * long-poll GET.
 *
 * <p>Not thread-safe: one virtual user's requests run one after the other.
 */
final class LongPoll {

    /** Engine.IO v4 packet separator in a polling body. */
    static final char SEPARATOR = '\u001e';

    private final String url;
    private final List<String> pending = new ArrayList<>();

    private String awaitedName;
    private BiPredicate<String, Session> awaited;
    private BiFunction<String, Session, String> verdict;
    private long deadline;
    private boolean settled;
    private String matched;
    private boolean answered;
    private int status;
    private boolean broken;

    /**
     * @param httpTarget the base URL of the node that opened the session ({@code http(s)://host:port})
     * @param sid the Engine.IO session id from the open packet
     */
    LongPoll(String httpTarget, String sid) {
        this.url = httpTarget + SocketIo.POLLING_PATH + "&sid=" + sid;
    }

    /** The URL of every request of this session: always the node that opened it. */
    String url() {
        return url;
    }

    /** Queues packets for the next POST (after any replies already queued). */
    void queue(List<String> packets) {
        pending.addAll(packets);
    }

    /** Whether anything waits for a POST. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The body of the next POST ({@code \u001e}-joined), or null when nothing waits; emptied. */
    String takePending() {
        if (pending.isEmpty()) {
            return null;
        }
        String body = String.join(String.valueOf(SEPARATOR), pending);
        pending.clear();
        return body;
    }

    /**
     * Arms a wait: the first packet that {@code matches} settles it, and {@code verdict} of that
     * packet ("ok" or why not) becomes the result of the poll that brought it.
     */
    void await(String name, BiPredicate<String, Session> matches, BiFunction<String, Session, String> verdict,
            long waitNanos) {
        this.awaitedName = name;
        this.awaited = matches;
        this.verdict = verdict;
        this.deadline = System.nanoTime() + waitNanos;
        this.settled = false;
        this.matched = null;
    }

    /** Whether the armed wait is over: matched, timed out, or the session broke. */
    boolean settled() {
        return settled || broken;
    }

    /** The packet that matched the last wait, or null. */
    String matched() {
        return matched;
    }

    /** Before a GET: afterwards {@link #afterPoll()} tells whether it was answered. */
    void beforePoll() {
        answered = false;
        status = 0;
    }

    /** The HTTP status of the current GET (seen by its status check, before {@link #onBody}). */
    int status(int code) {
        status = code;
        return code;
    }

    /**
     * After a GET: a poll that failed (no answer, an HTTP error such as the session unknown to the
     * node) breaks the session, and every loop on it ends.
     */
    void afterPoll() {
        if (!answered || status != 200) {
            broken = true;
        }
    }

    /** Whether a poll failed: the session is gone, nothing more will arrive on it. */
    boolean broken() {
        return broken;
    }

    /**
     * Handles one polling response body (the check of the long-poll GET).
     *
     * @param peer the user's checker, null before the socket.io CONNECT (frames are then dropped)
     * @param session handed to the awaited match and verdict
     * @return "ok", or why this poll counts as failed: the armed wait timed out, or the matched
     *     packet's verdict was not "ok"
     */
    String onBody(String body, RtcPeer peer, Session session) {
        answered = true;
        if (status != 200) {
            return "HTTP " + status + ": " + (body.length() > 100 ? body.substring(0, 100) : body);
        }
        String result = "ok";
        List<String> unmatched = new ArrayList<>();
        for (String packet : split(body)) {
            String reply = Echo.reply(packet);
            if (reply != null) {
                pending.add(reply);
                continue;
            }
            if (awaited != null && !settled && awaited.test(packet, session)) {
                settled = true;
                matched = packet;
                result = verdict.apply(packet, session);
                continue;
            }
            unmatched.add(packet);
        }
        if (peer != null) {
            peer.absorb(unmatched);
        }
        if (awaited != null && !settled && System.nanoTime() - deadline > 0) {
            settled = true;
            result = "timed out waiting for " + awaitedName;
        }
        return result;
    }

    /** The packets of a polling body. */
    static List<String> split(String body) {
        List<String> packets = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            if (i == body.length() || body.charAt(i) == SEPARATOR) {
                if (i > start) {
                    packets.add(body.substring(start, i));
                }
                start = i + 1;
            }
        }
        return packets;
    }
}
