package io.rtcio.loadtest;

/**
 * The smoke run of the build (well under a minute): a few small call rooms spread over the
 * targets, with joins, backfill, relays, media state, leaves and disconnects, all checked. Its
 * latency gate is loose (10 s): it runs on shared CI machines and is there for correctness.
 */
public class SmokeSimulation extends CallsSimulation {

    public SmokeSimulation() {
        super("smoke", new Settings.Defaults(12, 3, 0, 3, 10_000, 5_000), new int[] {3, 4, 2});
    }
}
