package io.rtcio.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ProcessCluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two headless Chromium pages in a call (rtc.io-protocol peers with a DataChannel) on two node
 * processes sharing a redis-server; ben reaches his node through a loopback forwarder (standing
 * for the address a load balancer gives). His node is killed with {@code kill -9}, the forwarder
 * now leads to ann's node, and ben's socket.io-client reconnects by itself: he is back on the
 * survivor with the same socket id and {@code recovered}, the DataChannel never closed, neither
 * page was told of a departure or of a second introduction (watched past the grace after which
 * the reaper would have announced ben), and a renegotiation through signaling after the
 * recovery (a second DataChannel: offer, answer, ICE) carries a message each way.
 */
class BrowserRecoveryIntegrationTests {

    private static final int GRACE_MS = 4_000;
    private static final int LEASE_MS = 5_000;

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void aPageWhoseNodeIsKilledComesBackOnTheOtherNodeWithItsCallIntact() throws Exception {
        try (PageServer pages = new PageServer(BrowserDataChannelIntegrationTests.socketIoBundle());
             ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", REDIS.url(),
                     "REDIS_KEY_PREFIX", "browser-recovery", "ALLOWED_ORIGINS", pages.origin(),
                     "DEPARTURE_GRACE_MS", String.valueOf(GRACE_MS), "RECOVERY_WINDOW_MS", "30000",
                     "CLUSTER_HEARTBEAT_MS", "1000", "CLUSTER_LEASE_MS", String.valueOf(LEASE_MS)));
             LoopbackForwarder balancer = new LoopbackForwarder(URI.create(nodes.url(1)).getPort())) {
            String room = "browser-" + UUID.randomUUID();
            Reports reports = new Reports(pages);
            List<BrowserPage> browsers = new ArrayList<>();
            try {
                browsers.add(BrowserPage.open(pages.origin() + "/recovery.html?name=ann&room=" + room
                        + "&signal=" + nodes.url(0)));
                reports.await(browsers, r -> is(r, "ann", "joined"));
                browsers.add(BrowserPage.open(pages.origin() + "/recovery.html?name=ben&renegotiate=1&room=" + room
                        + "&signal=" + balancer.url()));
                Map<String, Object> benFirst = reports.await(browsers, r -> is(r, "ben", "connected"));
                // Whoever offered, a message went each way on the first DataChannel.
                reports.await(browsers, r -> is(r, "ben", "message") && "chat".equals(r.get("channel")));
                reports.await(browsers, r -> is(r, "ann", "message") && "chat".equals(r.get("channel")));

                balancer.pointAt(URI.create(nodes.url(0)).getPort());
                long killedAt = System.nanoTime();
                nodes.node(1).kill();

                Map<String, Object> benBack = reports.await(browsers, r -> is(r, "ben", "connected"));
                long backAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(benBack.get("id")).as("ben's socket id after the crash").isEqualTo(benFirst.get("id"));
                assertThat(benBack.get("recovered")).as("recovered").isEqualTo(true);
                reports.await(browsers, r -> is(r, "ann", "message") && "after recovery from ben".equals(r.get("data")));
                reports.await(browsers, r -> is(r, "ben", "message") && "echo: after recovery from ben".equals(r.get("data")));
                long renegotiatedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;

                // Past the lease and the grace after which the reaper would have announced ben.
                reports.collectFor(Duration.ofMillis(LEASE_MS + GRACE_MS + 2_000));
                List<Map<String, Object>> all = reports.all();
                assertThat(all).as("errors").noneMatch(r -> "error".equals(r.get("step")));
                assertThat(all).as("departures seen by either page").noneMatch(r -> "departed".equals(r.get("step")));
                assertThat(all).as("DataChannels closed").noneMatch(r -> "dc-closed".equals(r.get("step")));
                assertThat(all).as("peer connections failed or closed").noneMatch(r -> "pc-state".equals(r.get("step"))
                        && List.of("failed", "closed").contains(r.get("state")));
                assertThat(all.stream().filter(r -> is(r, "ann", "introduced")).toList()).as("introductions to ann")
                        .hasSize(1).allMatch(r -> benFirst.get("id").equals(r.get("id")));
                assertThat(all).as("ann stayed connected").noneMatch(r -> is(r, "ann", "disconnected"));
                System.out.printf("browser: ben's node killed; ben back with the same id %d ms later, renegotiated through"
                        + " signaling %d ms after the kill; DataChannel never closed, 0 departures on either page%n",
                        backAfterMs, renegotiatedAfterMs);
            } finally {
                browsers.forEach(BrowserPage::close);
            }
        }
    }

    private static boolean is(Map<String, Object> report, String name, String step) {
        return name.equals(report.get("name")) && step.equals(report.get("step"));
    }

    /** Every report the pages sent, kept in order, with waits for one that matches. */
    private static final class Reports {

        private final PageServer pages;
        private final List<Map<String, Object>> seen = new ArrayList<>();
        private final Set<Map<String, Object>> returned = Collections.newSetFromMap(new IdentityHashMap<>());

        Reports(PageServer pages) {
            this.pages = pages;
        }

        /** The first report not returned before that matches, waiting up to 45 s for it. */
        Map<String, Object> await(List<BrowserPage> browsers, Predicate<Map<String, Object>> wanted)
                throws InterruptedException {
            for (Map<String, Object> report : seen) {
                if (!returned.contains(report) && wanted.test(report)) {
                    returned.add(report);
                    return report;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (true) {
                Map<String, Object> report = pages.reports().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (report == null) {
                    throw new AssertionError("no matching page report in time; got " + seen + "; browser logs: "
                            + browsers.stream().map(BrowserPage::log).toList());
                }
                seen.add(report);
                if (wanted.test(report)) {
                    returned.add(report);
                    return report;
                }
            }
        }

        /** Keeps what the pages report for {@code period}. */
        void collectFor(Duration period) throws InterruptedException {
            long deadline = System.nanoTime() + period.toNanos();
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                Map<String, Object> report = pages.reports().poll(left, TimeUnit.NANOSECONDS);
                if (report != null) {
                    seen.add(report);
                }
            }
        }

        List<Map<String, Object>> all() {
            return List.copyOf(seen);
        }
    }
}
