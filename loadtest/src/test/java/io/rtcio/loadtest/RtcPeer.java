package io.rtcio.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One virtual user's view of its room, as an rtc.io browser app would keep it, and the protocol
 * checks on everything the server tells it. Fed with the frames Gatling did not match to a check
 * (in arrival order); what it wants to send in answer (offers, answers, ICE candidates) waits in an
 * outbox. Every deviation from the contract is a violation with a short reason; the user's final
 * "protocol check" request fails when there is any.
 *
 * <p>What is checked, per room-mate: introduced exactly once ({@code user-connected}, from the
 * backfill or live), {@code #rtcio:init-offer} at most once and only after the introduction; relays
 * with the server-set {@code source} (equal to the sender's own claim in {@code data.from}), in order
 * (consecutive {@code seq}), a description first, exactly the expected number; the first media
 * state (sent right after the peer's join, so seen through the join backfill by later joiners) and
 * the last one; one {@code stopScreenShare}; one "done" chat with the server's {@code from} and
 * {@code at}; a departure with {@code #rtcio:peer-left} exactly when the peer disconnected (not when
 * it left the room), before {@code user-disconnected}; nothing from a peer after its departure.
 *
 * <p>Not thread-safe: one virtual user's actions run one after the other.
 */
final class RtcPeer {

    /** Media state every user announces right after its join-ok. */
    static final boolean[] FIRST_MEDIA = {true, false};
    /** Media state every user toggles to later, once the room is complete. */
    static final boolean[] LAST_MEDIA = {false, true};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REPORTED = 5;
    /** {@code -Dtrace=true}: print every frame a user absorbs (for debugging a small run). */
    private static final boolean TRACE = Boolean.getBoolean("trace");
    private static final boolean STRICT = Boolean.getBoolean("strict");
    private static final java.util.concurrent.atomic.AtomicInteger TOTAL_VIOLATIONS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger NOTES = new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_REPORTED_USERS = 20;
    private static final java.util.concurrent.atomic.AtomicInteger REPORTED_USERS = new java.util.concurrent.atomic.AtomicInteger();

    /** What a room-mate has shown this user. */
    static final class Remote {
        final String id;
        boolean introduced;
        boolean initOffer;
        boolean iOffered;
        int relaysIn;
        int nextSeq;
        boolean firstMedia;
        boolean[] media;
        int screenShares;
        int done;
        int peerLeft;
        boolean departed;

        Remote(String id) {
            this.id = id;
        }
    }

    final String self;
    final String roomId;
    final int roomSize;
    private final boolean calls;
    private final Settings settings;
    private final Map<String, Remote> remotes = new LinkedHashMap<>();
    private final Map<String, Integer> seqOut = new LinkedHashMap<>();
    private final List<String> outbox = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private int violationCount;
    private int pingSeq;

    /**
     * @param calls whether this user does what an rtc.io call does with each room-mate (init-offer
     *     answered with an offer, offer with an answer, each followed by ICE candidates)
     */
    RtcPeer(String self, String roomId, int roomSize, boolean calls, Settings settings) {
        this.self = self;
        this.roomId = roomId;
        this.roomSize = roomSize;
        this.calls = calls;
        this.settings = settings;
    }

    // ---- frames in -------------------------------------------------------------------------

    /** Absorbs frames in arrival order; anything but a socket.io event frame is ignored. */
    void absorb(List<String> frames) {
        for (String frame : frames) {
            if (TRACE) {
                System.out.println("TRACE " + self + " < " + abbreviate(frame));
            }
            if (!frame.startsWith("42[")) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(frame.substring(2));
            } catch (Exception e) {
                violation("unreadable frame " + abbreviate(frame));
                continue;
            }
            onEvent(event.path(0).asText(), event.path(1), frame);
        }
    }

    private void onEvent(String name, JsonNode p, String frame) {
        switch (name) {
            case "user-connected" -> {
                String id = p.path("id").asText("");
                Remote known = remotes.get(id);
                if (id.isEmpty() || id.equals(self)) {
                    violation("user-connected about " + (id.isEmpty() ? "nobody" : "myself"));
                } else if (known != null && known.introduced) {
                    violation("user-connected twice for " + id);
                } else if (known != null) {
                    known.introduced = true;
                } else if (remotes.size() >= roomSize - 1) {
                    violation("user-connected for " + id + " beyond the room size " + roomSize);
                } else {
                    Remote r = new Remote(id);
                    r.introduced = true;
                    remotes.put(id, r);
                }
            }
            case "#rtcio:init-offer" -> {
                Remote r = present("#rtcio:init-offer", p.path("source").asText(""));
                if (r == null) {
                    return;
                }
                if (!r.introduced) {
                    violation("#rtcio:init-offer for " + r.id + " before its user-connected");
                }
                if (r.initOffer) {
                    violation("#rtcio:init-offer twice for " + r.id);
                    return;
                }
                r.initOffer = true;
                if (calls) {
                    r.iOffered = true;
                    sendDescription(r.id, "offer");
                }
            }
            case "#rtcio:message" -> onRelay(p, frame);
            case "media-state" -> {
                Remote r = present("media-state", p.path("id").asText(""));
                if (r == null) {
                    return;
                }
                if (!p.path("roomId").asText("").equals(roomId)) {
                    violation("media-state from " + r.id + " for another room");
                }
                boolean[] state = {p.path("mic").asBoolean(), p.path("cam").asBoolean()};
                if (!r.firstMedia && !same(state, FIRST_MEDIA)) {
                    note("the first media-state of " + r.id + " never reached me, only a later one");
                }
                r.firstMedia = true;
                r.media = state;
            }
            case "stopScreenShare" -> {
                Remote r = present("stopScreenShare", p.path("id").asText(""));
                if (r != null && ++r.screenShares > 1) {
                    violation("stopScreenShare twice from " + r.id);
                }
            }
            case "chat-message" -> {
                Remote r = present("chat-message", p.path("from").asText(""));
                if (r == null) {
                    return;
                }
                if (!p.path("at").isNumber()) {
                    violation("chat-message from " + r.id + " without the server's 'at'");
                }
                if ("done".equals(p.path("text").asText()) && ++r.done > 1) {
                    violation("chat 'done' twice from " + r.id);
                }
            }
            case "#rtcio:peer-left" -> {
                Remote r = present("#rtcio:peer-left", p.path("id").asText(""));
                if (r != null && ++r.peerLeft > 1) {
                    violation("#rtcio:peer-left twice for " + r.id);
                }
            }
            case "user-disconnected" -> {
                Remote r = present("user-disconnected", p.path("id").asText(""));
                if (r == null) {
                    return;
                }
                boolean disconnected = departsByDisconnect(r.id);
                if (disconnected && r.peerLeft == 0) {
                    violation("user-disconnected for " + r.id + " without #rtcio:peer-left before it");
                } else if (!disconnected && r.peerLeft > 0) {
                    violation("#rtcio:peer-left for " + r.id + ", which only left the room");
                }
                r.departed = true;
            }
            case "room-check-ok" -> {
                // the answer to the final protocol check; matched there, a stray one is harmless
            }
            default -> violation("unexpected event " + abbreviate(frame));
        }
    }

    private void onRelay(JsonNode p, String frame) {
        JsonNode data = p.path("data");
        String kind = data.path("k").asText("");
        if (kind.equals("ping")) {
            return; // answered by the echo (Echo), which checks the order of pings
        }
        if (kind.equals("pong")) {
            violation("relay echo not awaited (duplicate or late) " + abbreviate(frame));
            return;
        }
        String source = p.path("source").asText("");
        Remote r = present("#rtcio:message", source);
        if (r == null) {
            return;
        }
        if (!source.equals(data.path("from").asText())) {
            violation("relay source " + source + " is not the sender " + data.path("from").asText());
        }
        if (!self.equals(p.path("target").asText())) {
            violation("relay for " + p.path("target").asText() + " delivered to me");
        }
        int seq = data.path("seq").asInt(-1);
        if (seq != r.nextSeq) {
            violation("relay from " + r.id + " out of order: seq " + seq + ", expected " + r.nextSeq);
        }
        r.nextSeq = seq + 1;
        r.relaysIn++;
        if (seq == 0) {
            if (kind.equals("offer")) {
                if (r.iOffered) {
                    violation("offer from " + r.id + " although I offered (both got #rtcio:init-offer?)");
                } else if (calls) {
                    sendDescription(r.id, "answer");
                }
            } else if (kind.equals("answer")) {
                if (!r.iOffered) {
                    violation("answer from " + r.id + " to an offer I never made");
                }
            } else {
                violation("first relay from " + r.id + " is '" + kind + "', not a description");
            }
        } else if (!kind.equals("ice")) {
            violation("relay " + seq + " from " + r.id + " is '" + kind + "', expected an ICE candidate");
        }
    }

    /**
     * The room-mate an event is about. One not introduced yet is a note, not a violation: events
     * from a newcomer travel other paths than its introduction and may overtake it (the
     * introduction must still come, once; the verdict checks that).
     */
    private Remote present(String event, String id) {
        Remote r = remotes.get(id);
        if (r == null) {
            if (id.isEmpty() || id.equals(self) || remotes.size() >= roomSize - 1) {
                violation(event + " about " + (id.isEmpty() ? "nobody" : id) + ", not a room-mate");
                return null;
            }
            note(event + " about " + id + " arrived before its user-connected");
            r = new Remote(id);
            remotes.put(id, r);
        } else if (r.departed) {
            violation(event + " about " + id + " after its departure");
            return null;
        }
        return r;
    }

    // ---- frames out ------------------------------------------------------------------------

    private void sendDescription(String target, String kind) {
        outbox.add(relay(target, kind, "sdp", settings.sdpBytes));
        for (int i = 0; i < settings.iceCandidates; i++) {
            outbox.add(relay(target, "ice", "candidate", settings.iceBytes));
        }
    }

    /** A relay to {@code target}; it claims a wrong {@code source}, which the server must overwrite. */
    private String relay(String target, String kind, String field, int bytes) {
        int seq = seqOut.merge(target, 1, Integer::sum) - 1;
        ObjectNode data = JSON.createObjectNode().put("k", kind).put("seq", seq).put("from", self)
                .put(field, "x".repeat(bytes));
        ObjectNode envelope = JSON.createObjectNode().put("source", "spoofed").put("target", target);
        envelope.set("data", data);
        return SocketIo.event("#rtcio:message", envelope.toString());
    }

    /** Frames to send now, in order; the outbox is emptied. */
    List<Object> takeOutbox() {
        List<Object> frames = new ArrayList<>(outbox);
        outbox.clear();
        return frames;
    }

    String joinFrame() {
        return SocketIo.event("join-room", JSON.createObjectNode().put("roomId", roomId).put("name", "u-" + self).toString());
    }

    String mediaFrame(boolean[] state) {
        return SocketIo.event("media-state", JSON.createObjectNode().put("roomId", roomId)
                .put("mic", state[0]).put("cam", state[1]).toString());
    }

    String stopScreenShareFrame() {
        return SocketIo.event("stopScreenShare", JSON.createObjectNode().put("roomId", roomId).toString());
    }

    String doneFrame() {
        return SocketIo.event("chat-message", JSON.createObjectNode().put("roomId", roomId).put("text", "done").toString());
    }

    String leaveFrame() {
        return SocketIo.event("leave-room", JSON.createObjectNode().put("roomId", roomId).toString());
    }

    String checkRoomFrame() {
        return SocketIo.event("check-room", JSON.createObjectNode().put("roomId", roomId).toString());
    }

    /** The partner in a room of two (relay simulation). */
    String partner() {
        return remotes.keySet().iterator().next();
    }

    /** The next ping to the partner; its echo is recognised by {@link Echo#isPong}. */
    String nextPing() {
        int seq = pingSeq++;
        ObjectNode data = JSON.createObjectNode().put("k", "ping").put("seq", seq).put("from", self)
                .put("pad", "x".repeat(settings.payloadBytes));
        ObjectNode envelope = JSON.createObjectNode().put("target", partner());
        envelope.set("data", data);
        return SocketIo.event("#rtcio:message", envelope.toString());
    }

    int lastPingSeq() {
        return pingSeq - 1;
    }

    // ---- progress --------------------------------------------------------------------------

    boolean knowsRoom() {
        return remotes.size() == roomSize - 1 && remotes.values().stream().allMatch(r -> r.introduced);
    }

    /** Every room-mate's description and candidates have arrived (calls). */
    boolean exchanged() {
        return knowsRoom() && remotes.values().stream().allMatch(r -> r.relaysIn >= 1 + settings.iceCandidates);
    }

    boolean allDone() {
        return knowsRoom() && remotes.values().stream().allMatch(r -> r.done >= 1);
    }

    /** Departures go in the order of socket ids: a user departs once every lower id has. */
    boolean mayDepart() {
        return knowsRoom() && remotes.values().stream().filter(r -> r.id.compareTo(self) < 0).allMatch(r -> r.departed);
    }

    /** Even ranks in the id order disconnect, odd ones leave the room first. */
    boolean departsByDisconnect(String id) {
        TreeSet<String> ids = new TreeSet<>(remotes.keySet());
        ids.add(self);
        return ids.headSet(id).size() % 2 == 0;
    }

    // ---- verdict ---------------------------------------------------------------------------

    void violation(String reason) {
        violationCount++;
        if (violations.size() < MAX_REPORTED) {
            violations.add(reason);
        }
    }

    int violations() {
        return violationCount;
    }

    /**
     * A deviation that timing alone can cause in a cluster (an event overtaking an introduction, an
     * intermediate media state superseded before a joiner saw it). Counted and printed; a violation
     * only with {@code -Dstrict=true}.
     */
    void note(String reason) {
        if (STRICT) {
            violation(reason);
            return;
        }
        if (NOTES.incrementAndGet() <= MAX_REPORTED_USERS) {
            System.out.println("PROTOCOL NOTE user " + self + " in " + roomId + ": " + reason);
        }
    }

    /** Violations of all users that gave their verdict so far. */
    static int totalViolations() {
        return TOTAL_VIOLATIONS.get();
    }

    /** Notes of all users so far (see {@link #note}). */
    static int notes() {
        return NOTES.get();
    }

    /** {@link #verdict()}, printed (for the first few users) when it is not "ok". */
    String reportedVerdict() {
        String verdict = verdict();
        TOTAL_VIOLATIONS.addAndGet(violationCount);
        if (!verdict.equals("ok") && REPORTED_USERS.incrementAndGet() <= MAX_REPORTED_USERS) {
            System.out.println("PROTOCOL VIOLATION user " + self + " in " + roomId + ": " + verdict);
        }
        return verdict;
    }

    /** Final checks, then "ok" or the violations (the first few). */
    String verdict() {
        if (remotes.size() != roomSize - 1) {
            violation("knows " + remotes.size() + " of " + (roomSize - 1) + " room-mates");
        }
        for (Remote r : remotes.values()) {
            if (!r.introduced) {
                violation("no user-connected for " + r.id);
            }
            if (r.id.compareTo(self) < 0 && !r.departed) {
                violation("no departure seen for " + r.id);
            }
            if (!r.firstMedia) {
                violation("no media-state (live or backfill) from " + r.id);
            } else if (!same(r.media, LAST_MEDIA)) {
                violation("last media-state from " + r.id + " is not the last one sent");
            }
            if (r.screenShares != 1) {
                violation(r.screenShares + " stopScreenShare from " + r.id);
            }
            if (r.done != 1) {
                violation(r.done + " 'done' chats from " + r.id);
            }
            if (calls && r.relaysIn != 1 + settings.iceCandidates) {
                violation(r.relaysIn + " relays from " + r.id + ", expected " + (1 + settings.iceCandidates));
            }
        }
        int echoViolations = Echo.violationsFrom(self);
        if (echoViolations > 0) {
            violationCount += echoViolations;
            violations.add(echoViolations + " pings to my partner arrived out of order or from a wrong source");
        }
        if (violationCount == 0) {
            return "ok";
        }
        return violationCount + " violation(s): " + String.join("; ", violations);
    }

    private static boolean same(boolean[] a, boolean[] b) {
        return a != null && a[0] == b[0] && a[1] == b[1];
    }

    private static String abbreviate(String frame) {
        return frame.length() <= 120 ? frame : frame.substring(0, 120) + "...";
    }
}
