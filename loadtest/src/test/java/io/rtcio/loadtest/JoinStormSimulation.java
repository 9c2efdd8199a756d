package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Many users joining at once (over {@code -Dramp}, default 5 s) into rooms of {@code -DroomSize}
 * (default 4): join-ok latency with backfill, introductions, media state and departures checked.
 */
public class JoinStormSimulation extends RtcioSimulation {

    public JoinStormSimulation() {
        Settings settings = Settings.load(new Settings.Defaults(400, 5, 0, 4, 1000, 500));
        Rooms rooms = Rooms.fixed("storm", settings.users, settings.roomSize);
        Steps steps = new Steps(settings, false);
        ScenarioBuilder storm = scenario("join-storm").feed(rooms.feeder(settings)).exec(
                steps.connectAndJoin(),
                steps.until("the whole room", RtcPeer::knowsRoom),
                steps.finish(),
                steps.verdictAndDepart());
        System.out.println("join-storm: " + settings);
        setUp(storm.injectOpen(rampUsers(rooms.users()).during(settings.ramp)))
                .protocols(steps.protocol())
                .assertions(Gates.of(settings, false));
    }
}
