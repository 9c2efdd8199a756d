package io.rtcio.loadtest;

import io.gatling.javaapi.core.Simulation;

/** Base of the simulations: reports the protocol notes (timing deviations, not gates) at the end. */
public abstract class RtcioSimulation extends Simulation {

    @Override
    public void after() {
        System.out.println("protocol notes (timing deviations, not gated; -Dstrict=true gates them): " + RtcPeer.notes());
        System.out.println("LOADTEST-STATS " + Stats.json(RtcPeer.totalViolations(), RtcPeer.notes()));
    }
}
