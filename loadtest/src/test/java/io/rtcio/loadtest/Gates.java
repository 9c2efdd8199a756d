package io.rtcio.loadtest;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;
import java.util.ArrayList;
import java.util.List;

/**
 * The pass/fail gates, as Gatling assertions: the share of failed requests, no failed protocol
 * check (one per user: any violation it saw), p99 of join-ok and, where there is relay traffic, p99
 * of the relay round trip. A failed gate makes the run exit non-zero.
 */
final class Gates {

    private Gates() {
    }

    static Assertion[] of(Settings settings, boolean relay) {
        List<Assertion> gates = new ArrayList<>();
        gates.add(global().failedRequests().percent().lte(settings.koPercent));
        gates.add(details(Steps.PROTOCOL).failedRequests().count().is(0L));
        gates.add(details(Steps.JOIN_OK).responseTime().percentile(99.0).lt(settings.joinP99Ms));
        if (relay) {
            gates.add(details(Steps.RELAY_RTT).responseTime().percentile(99.0).lt(settings.relayP99Ms));
        }
        return gates.toArray(Assertion[]::new);
    }
}
