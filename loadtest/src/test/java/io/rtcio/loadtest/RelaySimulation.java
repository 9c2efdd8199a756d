package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Relay throughput: pairs of users (rooms of two; with several targets each pair spans two nodes)
 * keep one {@code #rtcio:message} ping in flight each way for {@code -Dduration} (default 20 s); the
 * partner's connection echoes it at once, so {@code relay rtt} is the round trip through the
 * servers. Pings must arrive in order with the server-set source; stray echoes are violations.
 */
public class RelaySimulation extends RtcioSimulation {

    public RelaySimulation() {
        System.setProperty("roomSize", "2");
        Settings settings = Settings.load(new Settings.Defaults(80, 5, 20, 2, 1000, 500));
        Rooms rooms = Rooms.fixed("relay", settings.users, 2);
        Steps steps = new Steps(settings, false);
        ScenarioBuilder relay = scenario("relay").feed(rooms.feeder(settings)).exec(
                steps.connectAndJoin(),
                steps.until("the partner", RtcPeer::knowsRoom),
                steps.relay(),
                steps.finish(),
                steps.verdictAndDepart());
        System.out.println("relay: " + settings);
        setUp(relay.injectOpen(rampUsers(rooms.users()).during(settings.ramp)))
                .protocols(steps.protocol())
                .assertions(Gates.of(settings, true));
    }
}
