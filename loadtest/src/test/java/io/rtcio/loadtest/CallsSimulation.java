package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Calls as rtc.io makes them: rooms of 2 to 8 peers (or {@code -DroomSize}) fill up with backfill;
 * every pair does the init-offer, an offer and an answer (~3 KB) and ~15 trickle ICE candidates
 * (~300 B) each way; media-state toggles, stopScreenShare and a chat; then each peer leaves the room
 * or disconnects. Every user checks the protocol (see {@link RtcPeer}).
 */
public class CallsSimulation extends RtcioSimulation {

    static final int[] CALL_SIZES = {2, 3, 4, 5, 6, 7, 8};

    public CallsSimulation() {
        this("calls", new Settings.Defaults(70, 10, 0, 4, 1000, 500), CALL_SIZES);
    }

    protected CallsSimulation(String name, Settings.Defaults defaults, int[] sizes) {
        Settings settings = Settings.load(defaults);
        Rooms rooms = System.getProperty("roomSize") != null
                ? Rooms.fixed(name, settings.users, settings.roomSize)
                : Rooms.cycling(name, settings.users, sizes);
        Steps steps = new Steps(settings, true);
        ScenarioBuilder calls = scenario(name).feed(rooms.feeder(settings)).exec(
                steps.connectAndJoin(),
                steps.until("the whole room", RtcPeer::knowsRoom),
                steps.until("every description and candidate", RtcPeer::exchanged),
                steps.finish(),
                steps.verdictAndDepart());
        System.out.println(name + ": " + settings + " (" + rooms.users() + " users seated)");
        setUp(calls.injectOpen(rampUsers(rooms.users()).during(settings.ramp)))
                .protocols(steps.protocol())
                .assertions(Gates.of(settings, false));
    }
}
