package io.rtcio.loadtest;

/**
 * The smoke run of the build (well under a minute): a few small call rooms spread over the
 * targets, with joins, backfill, relays, media state, leaves and disconnects, all checked.
 */
public class SmokeSimulation extends CallsSimulation {

    public SmokeSimulation() {
        super("smoke", new Settings.Defaults(12, 3, 0, 3, 2000, 1000), new int[] {3, 4, 2});
    }
}
