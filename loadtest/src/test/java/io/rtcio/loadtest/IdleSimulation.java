package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Idle soak: many connections joined to rooms of {@code -DroomSize} (default 4) and then held for
 * {@code -Dduration} (default 60 s) with nothing but Engine.IO heartbeats (answered automatically);
 * then the usual checks and departures. Measures what a held connection costs a server.
 */
public class IdleSimulation extends RtcioSimulation {

    public IdleSimulation() {
        Settings settings = Settings.load(new Settings.Defaults(1000, 20, 60, 4, 2000, 500));
        Rooms rooms = Rooms.fixed("idle", settings.users, settings.roomSize);
        Steps steps = new Steps(settings, false);
        ScenarioBuilder idle = scenario("idle").feed(rooms.feeder(settings)).exec(
                steps.connectAndJoin(),
                steps.until("the whole room", RtcPeer::knowsRoom),
                steps.hold(settings.duration),
                steps.finish(),
                steps.verdictAndDepart());
        System.out.println("idle: " + settings);
        setUp(idle.injectOpen(rampUsers(rooms.users()).during(settings.ramp)))
                .protocols(steps.protocol())
                .assertions(Gates.of(settings, false));
    }
}
