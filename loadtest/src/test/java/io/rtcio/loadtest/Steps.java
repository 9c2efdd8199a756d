package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of an rtc.io user, shared by the simulations, over the transports of
 * {@code -Dtransports} (see {@link Settings.Transports}). Request names are the gates' handles:
 * {@code join-ok} (join-room to join-ok), {@code relay rtt} (ping to its echo through the servers),
 * {@code protocol check} (KO when the user saw any protocol violation). Over WebSocket they are the
 * names of awaited checks; over long-polling, where an awaited answer can take several long-poll
 * GETs, they are Gatling groups around the POST and the GETs up to the answer (timed by duration,
 * see {@code gatling.conf}), KO when a request in them failed.
 *
 * <p>The transport only changes how frames travel. Every frame received goes the same way: the
 * auto-reply ({@link Echo#reply}) first, then the awaited match, else the user's {@link RtcPeer}.
 */
final class Steps {

    static final String JOIN_OK = "join-ok";
    static final String RELAY_RTT = "relay rtt";
    static final String PROTOCOL = "protocol check";

    private static final Duration PUMP = Duration.ofMillis(20);
    private static final Pattern CONNECT_OK = Pattern.compile(SocketIo.CONNECT_OK);
    private static final BiFunction<String, Session, String> OK = (body, s) -> "ok";

    private final Settings settings;
    private final boolean calls;
    /** Room traffic over long-polling (otherwise over a WebSocket, from the start or after the upgrade). */
    private final boolean polling;

    Steps(Settings settings, boolean calls) {
        this.settings = settings;
        this.calls = calls;
        this.polling = settings.transports.staysOnPolling();
    }

    /**
     * Offline-friendly HTTP and WebSocket protocol: no warm-up, no caching of polling responses.
     * No base URL: every user connects to the target of its seat (see {@link Rooms}), with absolute
     * URLs, so all requests of one Engine.IO session reach the same node.
     */
    HttpProtocolBuilder protocol() {
        return http.disableWarmUp()
                .disableCaching()
                .wsAutoReplyTextFrame(Echo::reply)
                .wsUnmatchedInboundMessageBufferSize(100_000);
    }

    static RtcPeer peer(Session session) {
        return session.get("peer");
    }

    static LongPoll poll(Session session) {
        return session.get("poll");
    }

    /** Engine.IO open and socket.io CONNECT; then the user joins its room (timed as join-ok). */
    ChainBuilder connectAndJoin() {
        return exec(
                open(),
                exec(s -> s.set("peer", new RtcPeer(s.getString("sid"), s.getString("room"),
                        s.getInt("roomSize"), calls, settings))),
                exchange("join-room", JOIN_OK, s -> peer(s).joinFrame(),
                        (body, s) -> timed(JOIN_OK, s, body.startsWith("42[\"join-ok\"")), OK, true),
                send(s -> peer(s).mediaFrame(RtcPeer.FIRST_MEDIA)));
    }

    /** Reads what arrived, answers it (offers, answers, candidates), until {@code done} or the wait runs out. */
    ChainBuilder until(String what, Predicate<RtcPeer> done) {
        long waitNanos = settings.wait.toNanos();
        Predicate<Session> waiting = s -> {
            RtcPeer peer = peer(s);
            if (done.test(peer)) {
                return false;
            }
            if (polling && poll(s).broken()) {
                peer.violation("long-polling session lost while waiting for " + what);
                return false;
            }
            if (System.nanoTime() - s.getLong("deadline") > 0) {
                peer.violation("timed out waiting for " + what);
                return false;
            }
            return true;
        };
        ChainBuilder start = exec(s -> s.set("deadline", System.nanoTime() + waitNanos));
        if (polling) {
            // A long-poll GET returns as soon as the node has something (or with its ping).
            return start.exec(flush()).asLongAs(waiting::test).on(longPoll(), flush());
        }
        return start.exec(drain(), flush()).asLongAs(waiting::test).on(pause(PUMP), drain(), flush());
    }

    /** Holds the connection for {@code duration} with nothing but heartbeats (idle simulation). */
    ChainBuilder hold(Duration duration) {
        if (!polling) {
            return exec(pause(duration)); // pings are answered by the auto-reply meanwhile
        }
        // Long-polling must keep polling to hear the node's pings; the last poll may end up to one
        // ping interval after the hold.
        long nanos = duration.toNanos();
        return exec(s -> s.set("holdUntil", System.nanoTime() + nanos))
                .asLongAs(s -> System.nanoTime() - s.getLong("holdUntil") < 0 && !poll(s).broken())
                .on(longPoll(), postPending("send"));
    }

    /** After the room's traffic: last media state, stopScreenShare, the "done" chat; waits for everyone's. */
    ChainBuilder finish() {
        return exec(
                send(s -> peer(s).mediaFrame(RtcPeer.LAST_MEDIA)),
                send(s -> peer(s).stopScreenShareFrame()),
                send(s -> peer(s).doneFrame()),
                until("everyone's 'done' chat", RtcPeer::allDone));
    }

    /**
     * Waits until every room-mate with a lower id has departed, gives the verdict as the
     * {@code protocol check} request, then departs: even ranks disconnect, odd ranks leave the room
     * first.
     */
    ChainBuilder verdictAndDepart() {
        return exec(
                until("the departures of lower ids", RtcPeer::mayDepart),
                exchange("check-room", PROTOCOL, s -> peer(s).checkRoomFrame(),
                        (body, s) -> body.startsWith("42[\"room-check-ok\""), (body, s) -> peer(s).reportedVerdict(),
                        false),
                doIfOrElse(s -> peer(s).departsByDisconnect(peer(s).self))
                        .then(close("disconnect"))
                        .orElse(exec(send(s -> peer(s).leaveFrame()), close("close"))));
    }

    /** The relay loop: ping the partner, await its echo (timed as relay rtt), for the run's duration. */
    ChainBuilder relay() {
        return exec(during(settings.duration).on(
                exchange("relay", RELAY_RTT, s -> peer(s).nextPing(),
                        (body, s) -> timed(RELAY_RTT, s, Echo.isPong(body, peer(s).lastPingSeq())), OK, true)));
    }

    // ---- the transports ----------------------------------------------------------------------

    /** Engine.IO open and socket.io CONNECT on the user's transports; leaves the socket id as {@code sid}. */
    private ChainBuilder open() {
        long await = settings.wait.toSeconds();
        if (!settings.transports.startsOnPolling()) {
            return exec(
                    ws("connect").connect("#{wsTarget}" + SocketIo.PATH).await(await).on(
                            ws.checkTextMessage("engine.io open").check(regex(SocketIo.OPEN))),
                    ws("socket.io connect").sendText(SocketIo.CONNECT).await(await).on(
                            ws.checkTextMessage("socket.io connect").matching(regex("^4[04]"))
                                    .check(regex(SocketIo.CONNECT_OK).saveAs("sid"))));
        }
        ChainBuilder onPolling = exec(
                http("engine.io open").get("#{httpTarget}" + SocketIo.POLLING_PATH)
                        .check(regex(SocketIo.OPEN).saveAs("eioSid")),
                exec(s -> s.set("poll", new LongPoll(s.getString("httpTarget"), s.getString("eioSid")))),
                pollExchange("socket.io connect", "socket.io connect", s -> SocketIo.CONNECT,
                        (body, s) -> body.startsWith("40") || body.startsWith("44"),
                        (body, s) -> CONNECT_OK.matcher(body).find() ? "ok" : "connect refused: " + body, false),
                exec(s -> {
                    String answer = poll(s).matched();
                    Matcher m = answer == null ? null : CONNECT_OK.matcher(answer);
                    return m != null && m.find() ? s.set("sid", m.group(1)) : s;
                }));
        if (settings.transports.staysOnPolling()) {
            return onPolling;
        }
        // The upgrade as socket.io-client does it: a WebSocket on the same Engine.IO session (same
        // node), the probe, then the upgrade packet; from then on everything goes over the WebSocket.
        return onPolling.exec(
                postPending("send"),
                ws("upgrade").connect("#{wsTarget}" + SocketIo.PATH + "&sid=#{eioSid}"),
                ws("probe").sendText(SocketIo.PROBE).await(await).on(
                        ws.checkTextMessage("probe").matching(tap(SocketIo.PROBE_OK::equals))),
                ws("upgrade packet").sendText(SocketIo.UPGRADE));
    }

    /**
     * Sends {@code frame} and awaits the first frame that {@code matches}, whose {@code verdict}
     * ("ok" or why not) decides whether the step is OK. {@code timed}: {@code t0} is set right
     * before the send (for the match condition's {@link #timed}).
     */
    private ChainBuilder exchange(String sendName, String checkName, Function<Session, String> frame,
            BiPredicate<String, Session> matches, BiFunction<String, Session, String> verdict, boolean timed) {
        if (polling) {
            return pollExchange(sendName, checkName, frame, matches, verdict, timed);
        }
        long await = settings.wait.toSeconds();
        return exec(
                drain(),
                exec(s -> timed ? s.set("t0", System.nanoTime()) : s),
                ws(sendName).sendText(frame).await(await).on(
                        ws.checkTextMessage(checkName).matching(tapWithSession(matches))
                                .check(bodyString().transformWithSession(verdict).is("ok"))));
    }

    /** {@link #exchange} over long-polling: a group of the POST and the long-poll GETs up to the match. */
    private ChainBuilder pollExchange(String sendName, String checkName, Function<Session, String> frame,
            BiPredicate<String, Session> matches, BiFunction<String, Session, String> verdict, boolean timed) {
        long waitNanos = settings.wait.toNanos();
        return group(checkName).on(
                exec(s -> {
                    poll(s).await(checkName, matches, verdict, waitNanos);
                    poll(s).queue(List.of(frame.apply(s)));
                    return timed ? s.set("t0", System.nanoTime()) : s;
                }),
                postPending(sendName),
                asLongAs(s -> !poll(s).settled()).on(longPoll(), postPending("send")));
    }

    /** Sends one frame now (after what the auto-reply queued, over long-polling). */
    private ChainBuilder send(Function<Session, String> frame) {
        if (polling) {
            return exec(s -> {
                poll(s).queue(List.of(frame.apply(s)));
                return s;
            }).exec(postPending("emit"));
        }
        return exec(drain(), ws("emit").sendText(frame));
    }

    /** Ends the connection: the WebSocket is closed; a long-polling session gets the Engine.IO close. */
    private ChainBuilder close(String name) {
        if (polling) {
            return exec(s -> {
                poll(s).queue(List.of(SocketIo.CLOSE));
                return s;
            }).exec(postPending(name));
        }
        return exec(ws(name).close());
    }

    /**
     * One long-poll GET: its body goes through {@link LongPoll#onBody}, whose result is its check.
     * Polling requests say {@code Connection: close}: the node (netty-socketio) closes the
     * connection after every polling response although it answers {@code keep-alive}, so a pooled
     * connection would race with that close.
     */
    private static ChainBuilder longPoll() {
        return exec(
                exec(s -> {
                    poll(s).beforePoll();
                    return s;
                }),
                http("poll").get(s -> poll(s).url()).header("Connection", "close").check(
                        status().transformWithSession((code, s) -> poll(s).status(code)).is(200),
                        bodyString().transformWithSession((body, s) -> poll(s).onBody(body, s.contains("peer") ? peer(s) : null, s)).is("ok")),
                exec(s -> {
                    poll(s).afterPoll();
                    return s;
                }));
    }

    /** POSTs what waits in the long-polling session (replies, then frames), if anything does. */
    private static ChainBuilder postPending(String name) {
        return doIf(s -> poll(s).hasPending()).then(
                http(name).post(s -> poll(s).url())
                        .header("Connection", "close")
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .body(StringBody(s -> poll(s).takePending())));
    }

    /**
     * A match condition that hands every frame it does not match to the user's {@link RtcPeer}:
     * Gatling drops frames that arrive while a check waits and do not match it, and those may be
     * the join backfill or a room-mate's event.
     */
    private static boolean timed(String name, Session s, boolean matched) {
        if (matched) {
            Stats.record(name, System.nanoTime() - s.getLong("t0"));
        }
        return matched;
    }

    private static CheckBuilder tap(Predicate<String> matches) {
        return tapWithSession((body, s) -> matches.test(body));
    }

    private static CheckBuilder tapWithSession(BiPredicate<String, Session> matches) {
        return bodyString().transformWithSession((body, s) -> {
            if (matches.test(body, s)) {
                return true;
            }
            RtcPeer peer = s.get("peer");
            if (peer != null) {
                peer.absorb(List.of(body));
            }
            return false;
        }).is(true);
    }

    /**
     * Hands what arrived to the user's {@link RtcPeer}. Gatling empties its buffer of unmatched
     * frames on every send, so every WebSocket send is preceded by a drain.
     */
    private static ChainBuilder drain() {
        return exec(ws.processUnmatchedMessages((messages, s) -> {
            if (!s.contains("peer")) {
                return s;
            }
            List<String> frames = new ArrayList<>(messages.size());
            for (WsInboundMessage m : messages) {
                if (m instanceof WsInboundMessage.Text text) {
                    frames.add(text.message());
                }
            }
            peer(s).absorb(frames);
            return s;
        }));
    }

    /** Sends what the user's {@link RtcPeer} wants to send in answer (offers, answers, candidates). */
    private ChainBuilder flush() {
        if (polling) {
            // One POST for all of it, as socket.io-client batches what it buffered.
            return exec(s -> {
                for (Object frame : peer(s).takeOutbox()) {
                    poll(s).queue(List.of((String) frame));
                }
                return s;
            }).exec(postPending("signal"));
        }
        // Gatling evaluates the sequence on every iteration: take the outbox into the session once.
        return exec(s -> s.set("frames", peer(s).takeOutbox()))
                .foreach(s -> s.getList("frames"), "frame").on(drain(), ws("signal").sendText(s -> s.getString("frame")));
    }
}
