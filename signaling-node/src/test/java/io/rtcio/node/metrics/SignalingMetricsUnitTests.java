package io.rtcio.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.PrometheusText;
import io.rtcio.node.metrics.SignalingMetrics.AuthRefusal;
import io.rtcio.node.metrics.SignalingMetrics.CloseReason;
import io.rtcio.node.metrics.SignalingMetrics.DropReason;
import io.rtcio.node.metrics.SignalingMetrics.HttpRefusal;
import io.rtcio.node.metrics.SignalingMetrics.LeaveCause;
import io.rtcio.node.metrics.SignalingMetrics.RelayPath;
import io.rtcio.node.metrics.SignalingMetrics.Transport;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.Events;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each metric family: present from the start, labelled from its enum, moved by its call. */
class SignalingMetricsUnitTests {

    private final SignalingMetrics metrics = new SignalingMetrics("n1", new BuildInfo("1.2.3", "abcdef123456"));

    @AfterEach
    void close() {
        metrics.close();
    }

    private double sample(String name, String labels) {
        return PrometheusText.sum(metrics.scrape(), name, labels);
    }

    @Test
    void shouldLabelEverySeriesWithTheNodeIdNotNode() {
        metrics.bindGauges(() -> 3, () -> 1);
        String scrape = metrics.scrape();
        Matcher sample = Pattern.compile("(?m)^([a-z_:]+)(\\{[^}]*})?\\s").matcher(scrape);
        int samples = 0;
        while (sample.find()) {
            samples++;
            assertThat(sample.group(2)).as(sample.group(1)).contains("node_id=\"n1\"").doesNotContain(",node=\"")
                    .doesNotStartWith("{node=\"");
        }
        assertThat(samples).isGreaterThan(100);
        assertThat(sample("signaling_connections", "")).isEqualTo(3);
    }

    @Test
    void shouldCountRelaysByPathAndDropReason() {
        metrics.relayDelivered(RelayPath.LOCAL, 2_000_000);
        metrics.relayDelivered(RelayPath.REMOTE, 30_000_000);
        metrics.relayDelivered(RelayPath.REMOTE, 40_000_000);
        metrics.relayDropped(DropReason.CLUSTER_UNAVAILABLE);
        metrics.relayDropped(DropReason.UNKNOWN_TARGET);

        assertThat(sample("signaling_relay_delivered_total", "path=\"local\"")).isEqualTo(1);
        assertThat(sample("signaling_relay_delivered_total", "path=\"remote\"")).isEqualTo(2);
        assertThat(sample("signaling_relay_dropped_total", "reason=\"cluster_unavailable\"")).isEqualTo(1);
        assertThat(sample("signaling_relay_dropped_total", "reason=\"unknown_target\"")).isEqualTo(1);
        assertThat(sample("signaling_relay_dropped_total", "reason=\"not_shared_room\"")).isZero();
        assertThat(sample("signaling_relay_messages_total", "result=\"delivered\"")).isEqualTo(3);
        assertThat(sample("signaling_relay_messages_total", "result=\"dropped\"")).isEqualTo(2);
        assertThat(sample("signaling_relay_duration_seconds_count", "path=\"remote\"")).isEqualTo(2);
        assertThat(sample("signaling_relay_duration_seconds_bucket", "path=\"remote\",le=\"0.025\"")).isZero();
        assertThat(sample("signaling_relay_duration_seconds_bucket", "path=\"remote\",le=\"0.1\"")).isEqualTo(2);
    }

    @Test
    void shouldKeepEachLatencyHistogramToABoundedNumberOfBuckets() {
        metrics.relayDelivered(RelayPath.LOCAL, 1);
        metrics.published(1);
        metrics.join(null, 1);
        String scrape = metrics.scrape();
        String[][] histograms = {{"signaling_relay_duration_seconds_bucket{", "path=\"local\""},
            {"signaling_cluster_publish_duration_seconds_bucket{", ""}, {"signaling_room_join_duration_seconds_bucket{", ""}};
        for (String[] histogram : histograms) {
            long buckets = scrape.lines().filter(line -> line.startsWith(histogram[0]) && line.contains(histogram[1]))
                    .count();
            assertThat(buckets).as(histogram[0]).isBetween(5L, (long) SignalingMetrics.MAX_HISTOGRAM_BUCKETS);
        }
        for (String slo : new String[] {"0.005", "0.025", "0.1", "0.25", "1.0"}) {
            assertThat(scrape).contains("signaling_cluster_publish_duration_seconds_bucket{node_id=\"n1\",le=\"" + slo + "\"}");
        }
    }

    @Test
    void shouldCountJoinsByResultAndLeavesByCause() {
        metrics.join(null, 1_000_000);
        metrics.join(ErrorCode.ROOM_FULL, 1_000_000);
        metrics.joinFailed(1_000_000);
        metrics.leaves(LeaveCause.DISCONNECT, 3);
        metrics.leaves(LeaveCause.EVICTED, 1);
        metrics.leaves(LeaveCause.SHUTDOWN, 0);

        assertThat(sample("signaling_room_joins_total", "result=\"ok\"")).isEqualTo(1);
        assertThat(sample("signaling_room_joins_total", "result=\"room-full\"")).isEqualTo(1);
        assertThat(sample("signaling_room_joins_total", "result=\"error\"")).isEqualTo(1);
        assertThat(sample("signaling_room_join_duration_seconds_count", "")).isEqualTo(3);
        assertThat(sample("signaling_room_leaves_total", "cause=\"disconnect\"")).isEqualTo(3);
        assertThat(sample("signaling_room_leaves_total", "cause=\"evicted\"")).isEqualTo(1);
        assertThat(sample("signaling_room_leaves_total", "cause=\"leave\"")).isZero();
        assertThat(metrics.scrape()).contains("cause=\"shutdown\"");
    }

    @Test
    void shouldCountConnectionsByTransportAndCloseReason() {
        UUID kicked = UUID.randomUUID();
        UUID flooder = UUID.randomUUID();
        metrics.connectionOpened(Transport.POLLING);
        metrics.connectionOpened(Transport.WEBSOCKET);
        metrics.upgraded();
        metrics.closing(kicked, CloseReason.SERVER);
        metrics.rateLimitDisconnect(flooder);
        metrics.connectionClosed(kicked);
        metrics.connectionClosed(flooder);
        metrics.connectionClosed(UUID.randomUUID());
        metrics.connectionClosed(CloseReason.SHUTDOWN);

        assertThat(sample("signaling_connections_opened_total", "transport=\"polling\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_opened_total", "transport=\"websocket\"")).isEqualTo(1);
        assertThat(sample("signaling_transport_upgrades_total", "")).isEqualTo(1);
        assertThat(sample("signaling_connections_closed_total", "reason=\"server\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_closed_total", "reason=\"rate_limit\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_closed_total", "reason=\"client\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_closed_total", "reason=\"shutdown\"")).isEqualTo(1);
        assertThat(sample("signaling_ratelimit_actions_total", "action=\"disconnected\"")).isEqualTo(1);
    }

    @Test
    void shouldExposeClusterHealth() {
        assertThat(sample("signaling_cluster_up", "")).isZero();
        metrics.heartbeatSucceeded();
        assertThat(sample("signaling_cluster_up", "")).isEqualTo(1);
        assertThat(sample("signaling_cluster_heartbeat_age_seconds", "")).isLessThan(5);
        metrics.heartbeatFailed();
        metrics.leaseLost();
        metrics.nodeReaped();
        metrics.socketsEvicted(4);
        metrics.publishFailed();
        metrics.published(1_000_000);

        assertThat(sample("signaling_cluster_up", "")).isZero();
        assertThat(sample("signaling_cluster_heartbeat_failures_total", "")).isEqualTo(1);
        assertThat(sample("signaling_cluster_lease_lost_total", "")).isEqualTo(1);
        assertThat(sample("signaling_cluster_nodes_reaped_total", "")).isEqualTo(1);
        assertThat(sample("signaling_cluster_sockets_evicted_total", "")).isEqualTo(4);
        assertThat(sample("signaling_cluster_publish_failures_total", "")).isEqualTo(1);
        assertThat(sample("signaling_cluster_published_total", "")).isEqualTo(1);
    }

    @Test
    void shouldCountRefusalsByReason() {
        metrics.connectionRefused(AuthRefusal.MISSING_TOKEN);
        metrics.connectionRefused(AuthRefusal.AUTHENTICATOR_ERROR);
        metrics.httpRefused(HttpRefusal.ORIGIN);
        metrics.error(ErrorCode.RATE_LIMITED);
        metrics.rateLimitDelayed();

        assertThat(sample("signaling_connections_refused_total", "reason=\"missing_token\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_refused_total", "reason=\"authenticator_error\"")).isEqualTo(1);
        assertThat(sample("signaling_connections_refused_total", "reason=\"invalid_token\"")).isZero();
        assertThat(sample("signaling_http_refused_total", "reason=\"origin\"")).isEqualTo(1);
        assertThat(sample("signaling_ratelimit_actions_total", "action=\"refused\"")).isEqualTo(1);
        assertThat(sample("signaling_ratelimit_actions_total", "action=\"delayed\"")).isEqualTo(1);
        assertThat(sample("signaling_errors_total", "code=\"rate-limited\"")).isEqualTo(1);
    }

    @Test
    void shouldRecordEventSizesUnderKnownEventNamesOnly() {
        metrics.eventSize(Events.JOIN_ROOM, 120);
        metrics.eventSize("made-up-" + UUID.randomUUID(), 50);
        metrics.eventSize("made-up-" + UUID.randomUUID(), 70);

        assertThat(sample("signaling_event_size_bytes_count", "event=\"join-room\"")).isEqualTo(1);
        assertThat(sample("signaling_event_size_bytes_sum", "event=\"unknown\"")).isEqualTo(120);
        assertThat(sample("signaling_event_size_bytes_bucket", "event=\"join-room\",node_id=\"n1\",le=\"256.0\"")).isEqualTo(1);
    }

    @Test
    void shouldBindJvmProcessAndNettyMetricsAndBuildInfo() {
        String scrape = metrics.scrape();
        for (String family : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
            "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files",
            "netty_allocator_memory_used"}) {
            assertThat(scrape).as(family).contains(family);
        }
        assertThat(scrape).contains("rtcio_build_info{commit=\"abcdef123456\",node_id=\"n1\",version=\"1.2.3\"} 1");
        assertThat(scrape).doesNotContain("netty_allocator_memory_used no help");
        assertThat(scrape).contains("# HELP netty_allocator_memory_used ");
    }

    @Test
    void shouldNotGrowSeriesWithTraffic() {
        metrics.bindGauges(() -> 0, () -> 0);
        exercise(new Random(1), 200);
        for (ErrorCode code : ErrorCode.values()) { // every label value once, whatever the seed draws
            metrics.join(code, 1);
            metrics.error(code);
        }
        // The node's own series only: the JVM's gain one per new kind of GC pause, which the 20,000
        // rounds below may well cause.
        long before = metrics.scrape().lines().filter(line -> line.startsWith("signaling_")).count();
        exercise(new Random(2), 20_000);
        long after = metrics.scrape().lines().filter(line -> line.startsWith("signaling_")).count();
        assertThat(before).as("the node's series are there to count").isGreaterThan(50);

        assertThat(after).isEqualTo(before);
    }

    private void exercise(Random random, int rounds) {
        for (int i = 0; i < rounds; i++) {
            metrics.eventIn(random.nextBoolean() ? "x" + random.nextInt() : Events.RTCIO_MESSAGE);
            metrics.eventSize(random.nextBoolean() ? "y" + random.nextInt() : Events.JOIN_ROOM, random.nextInt(70_000));
            metrics.relayDelivered(RelayPath.values()[random.nextInt(2)], random.nextInt(2_000_000_000));
            metrics.relayDropped(DropReason.values()[random.nextInt(3)]);
            metrics.join(random.nextBoolean() ? null : ErrorCode.values()[random.nextInt(ErrorCode.values().length)],
                    random.nextInt(1_000_000));
            metrics.joinFailed(1);
            metrics.error(ErrorCode.values()[random.nextInt(ErrorCode.values().length)]);
            metrics.closing(UUID.randomUUID(), CloseReason.SERVER);
            metrics.connectionClosed(UUID.randomUUID());
        }
    }
}
