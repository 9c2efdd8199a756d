package io.rtcio.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.config.RoomMetricsConfig;
import io.rtcio.node.harness.PrometheusText;
import io.rtcio.node.session.SocketRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Room labels and the fixed series of the room metrics (their counting is covered on live nodes). */
class RoomMetricsUnitTests {

    private static final String KEY = "a-cluster-secret-of-some-length";

    @Test
    void shouldLabelRoomsWithAKeyedHashThatDoesNotRevealTheId() {
        SignalingMetrics metrics = new SignalingMetrics("n1");
        RoomMetrics keyed = new RoomMetrics("n1", new SocketRegistry(), new RoomMetricsConfig(5, KEY), metrics);
        RoomMetrics sameKey = new RoomMetrics("n2", new SocketRegistry(), new RoomMetricsConfig(5, KEY),
                new SignalingMetrics("n2"));
        RoomMetrics randomKey = new RoomMetrics("n3", new SocketRegistry(), RoomMetricsConfig.DEFAULT,
                new SignalingMetrics("n3"));

        String label = keyed.label("call-7f3a");
        assertThat(label).matches("[0-9a-f]{12}").doesNotContain("7f3a");
        assertThat(sameKey.label("call-7f3a")).as("same key, same label on every node").isEqualTo(label);
        assertThat(keyed.label("call-7f3b")).isNotEqualTo(label);
        assertThat(randomKey.label("call-7f3a")).as("another key").isNotEqualTo(label);
        metrics.close();
    }

    @Test
    void shouldExposeEverySizeClassAndTheOverflowBucketWithNoRooms() {
        SignalingMetrics metrics = new SignalingMetrics("n1");
        RoomMetrics rooms = new RoomMetrics("n1", new SocketRegistry(), new RoomMetricsConfig(3, KEY), metrics);
        rooms.refresh();
        String scrape = metrics.scrape();

        for (RoomMetrics.SizeClass size : RoomMetrics.SizeClass.values()) {
            assertThat(scrape).contains("signaling_rooms_by_size{node_id=\"n1\",size=\"" + size.label() + "\"} 0");
        }
        assertThat(PrometheusText.sum(scrape, "signaling_room_members", "room=\"_other\"")).isZero();
        assertThat(PrometheusText.sum(scrape, "signaling_cluster_rooms", "")).isZero();
        assertThat(PrometheusText.sum(scrape, "signaling_cluster_room_members", "")).isZero();
        assertThat(rooms.describe(10)).isEqualTo(Map.of("rooms", java.util.List.of(), "total", 0, "truncated", false));
        metrics.close();
    }

    @Test
    void shouldExportNoPerRoomSeriesWhenTopKIsOff() {
        SignalingMetrics metrics = new SignalingMetrics("n1");
        new RoomMetrics("n1", new SocketRegistry(), RoomMetricsConfig.DEFAULT, metrics).refresh();
        assertThat(metrics.scrape()).doesNotContain("signaling_room_members");
        metrics.close();
    }

    @Test
    void shouldSortSizesIntoClasses() {
        assertThat(RoomMetrics.SizeClass.of(1)).isEqualTo(RoomMetrics.SizeClass.S1);
        assertThat(RoomMetrics.SizeClass.of(4)).isEqualTo(RoomMetrics.SizeClass.S4);
        assertThat(RoomMetrics.SizeClass.of(5)).isEqualTo(RoomMetrics.SizeClass.S5_8);
        assertThat(RoomMetrics.SizeClass.of(16)).isEqualTo(RoomMetrics.SizeClass.S9_16);
        assertThat(RoomMetrics.SizeClass.of(500)).isEqualTo(RoomMetrics.SizeClass.S17_PLUS);
    }
}
