package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The steps of an rtc.io user, shared by the simulations. Request names are the gates' handles:
 * {@code join-ok} (join-room to join-ok), {@code relay rtt} (ping to its echo through the servers),
 * {@code protocol check} (KO when the user saw any protocol violation).
 */
final class Steps {

    static final String JOIN_OK = "join-ok";
    static final String RELAY_RTT = "relay rtt";
    static final String PROTOCOL = "protocol check";

    private static final Duration PUMP = Duration.ofMillis(20);

    private final Settings settings;
    private final boolean calls;

    Steps(Settings settings, boolean calls) {
        this.settings = settings;
        this.calls = calls;
    }

    /** Offline-friendly WebSocket protocol: no warm-up, users round-robin over the targets. */
    HttpProtocolBuilder protocol() {
        return http.disableWarmUp()
                .wsBaseUrls(settings.targets)
                .wsAutoReplyTextFrame(Echo::reply)
                .wsUnmatchedInboundMessageBufferSize(100_000);
    }

    static RtcPeer peer(Session session) {
        return session.get("peer");
    }

    /** Engine.IO open and socket.io CONNECT; then the user joins its room (timed as join-ok). */
    ChainBuilder connectAndJoin() {
        long await = settings.wait.toSeconds();
        return exec(
                ws("connect").connect(SocketIo.PATH).await(await).on(
                        ws.checkTextMessage("engine.io open").check(regex("^0\\{.*\"sid\""))),
                ws("socket.io connect").sendText(SocketIo.CONNECT).await(await).on(
                        ws.checkTextMessage("socket.io connect").matching(regex("^4[04]"))
                                .check(regex(SocketIo.CONNECT_OK).saveAs("sid"))),
                exec(s -> s.set("peer", new RtcPeer(s.getString("sid"), s.getString("room"),
                        s.getInt("roomSize"), calls, settings))),
                drain(),
                exec(s -> s.set("t0", System.nanoTime())),
                ws("join-room").sendText(s -> peer(s).joinFrame()).await(await).on(
                        ws.checkTextMessage(JOIN_OK).matching(tapWithSession((body, s) -> timed(JOIN_OK, s,
                                body.startsWith("42[\"join-ok\""))))),
                send(s -> peer(s).mediaFrame(RtcPeer.FIRST_MEDIA)));
    }

    /** Reads what arrived, answers it (offers, answers, candidates), until {@code done} or the wait runs out. */
    ChainBuilder until(String what, Predicate<RtcPeer> done) {
        long waitNanos = settings.wait.toNanos();
        return exec(s -> s.set("deadline", System.nanoTime() + waitNanos)).exec(drain(), flush())
                .asLongAs(s -> {
                    RtcPeer peer = peer(s);
                    if (done.test(peer)) {
                        return false;
                    }
                    if (System.nanoTime() - s.getLong("deadline") > 0) {
                        peer.violation("timed out waiting for " + what);
                        return false;
                    }
                    return true;
                }).on(pause(PUMP), drain(), flush());
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
        long await = settings.wait.toSeconds();
        return exec(
                until("the departures of lower ids", RtcPeer::mayDepart),
                drain(),
                ws("check-room").sendText(s -> peer(s).checkRoomFrame()).await(await).on(
                        ws.checkTextMessage(PROTOCOL).matching(tap(body -> body.startsWith("42[\"room-check-ok\"")))
                                .check(bodyString().transformWithSession((body, s) -> peer(s).reportedVerdict()).is("ok"))),
                doIfOrElse(s -> peer(s).departsByDisconnect(peer(s).self))
                        .then(ws("disconnect").close())
                        .orElse(exec(send(s -> peer(s).leaveFrame()), ws("close").close())));
    }

    /** The relay loop: ping the partner, await its echo (timed as relay rtt), for the run's duration. */
    ChainBuilder relay() {
        long await = settings.wait.toSeconds();
        return exec(during(settings.duration).on(
                drain(),
                exec(s -> s.set("t0", System.nanoTime())),
                ws("relay").sendText(s -> peer(s).nextPing()).await(await).on(
                        ws.checkTextMessage(RELAY_RTT).matching(tapWithSession(
                                (body, s) -> timed(RELAY_RTT, s, Echo.isPong(body, peer(s).lastPingSeq())))))));
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
     * frames on every send, so every send is preceded by a drain.
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

    private static ChainBuilder flush() {
        // Gatling evaluates the sequence on every iteration: take the outbox into the session once.
        return exec(s -> s.set("frames", peer(s).takeOutbox()))
                .foreach(s -> s.getList("frames"), "frame").on(drain(), ws("signal").sendText(s -> s.getString("frame")));
    }

    private static ChainBuilder send(java.util.function.Function<Session, String> frame) {
        return exec(drain(), ws("emit").sendText(frame));
    }
}
