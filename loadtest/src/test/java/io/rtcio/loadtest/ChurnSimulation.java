package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Continuous churn: users arrive at a steady rate for {@code -Dduration} (default 60 s), fill rooms
 * of {@code -DroomSize} (default 3) on whichever node they land, exchange media state and a chat,
 * and leave or disconnect, while later rooms are still filling. All of it checked.
 */
public class ChurnSimulation extends RtcioSimulation {

    public ChurnSimulation() {
        Settings settings = Settings.load(new Settings.Defaults(600, 0, 60, 3, 1000, 500));
        Rooms rooms = Rooms.fixed("churn", settings.users, settings.roomSize);
        Steps steps = new Steps(settings, false);
        ScenarioBuilder churn = scenario("churn").feed(rooms.feeder(settings)).exec(
                steps.connectAndJoin(),
                steps.until("the whole room", RtcPeer::knowsRoom),
                steps.finish(),
                steps.verdictAndDepart());
        System.out.println("churn: " + settings);
        setUp(churn.injectOpen(rampUsers(rooms.users()).during(settings.duration)))
                .protocols(steps.protocol())
                .assertions(Gates.of(settings, false));
    }
}
