package io.rtcio.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomMetricsConfigUnitTests {

    @Test
    void shouldDefaultToNoPerRoomSeriesAndARandomKey() {
        assertThat(RoomMetricsConfig.from(Map.of())).isEqualTo(RoomMetricsConfig.DEFAULT);
        assertThat(RoomMetricsConfig.from(Map.of("ROOM_METRICS_TOP_K", "10", "ROOM_METRICS_KEY", "0123456789abcdef")))
                .isEqualTo(new RoomMetricsConfig(10, "0123456789abcdef"));
    }

    @Test
    void shouldNameTheSettingOfABadValue() {
        assertThatThrownBy(() -> RoomMetricsConfig.from(Map.of("ROOM_METRICS_TOP_K", "101")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ROOM_METRICS_TOP_K");
        assertThatThrownBy(() -> RoomMetricsConfig.from(Map.of("ROOM_METRICS_TOP_K", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ROOM_METRICS_TOP_K");
        assertThatThrownBy(() -> RoomMetricsConfig.from(Map.of("ROOM_METRICS_KEY", "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ROOM_METRICS_KEY");
    }

    @Test
    void shouldNotPrintTheKey() {
        assertThat(new RoomMetricsConfig(1, "0123456789abcdef-secret").toString()).doesNotContain("secret");
    }
}
