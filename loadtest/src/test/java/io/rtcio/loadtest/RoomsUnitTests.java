package io.rtcio.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seats, their targets (one per user, sticky) and the transports property. */
class RoomsUnitTests {

    @AfterEach
    void clearProperties() {
        System.clearProperty("targets");
        System.clearProperty("transports");
    }

    @Test
    void eachSeatKeepsOneTargetAndARoomSpansTheTargets() {
        System.setProperty("targets", "http://127.0.0.1:4001,https://b.example:443/");
        Settings settings = Settings.load(new Settings.Defaults(6, 0, 0, 3, 1000, 1000));
        List<Map<String, Object>> seats = new ArrayList<>();
        Iterator<Map<String, Object>> feeder = Rooms.fixed("t", settings.users, 3).feeder(settings);
        feeder.forEachRemaining(seats::add);

        assertThat(seats).hasSize(6);
        for (int i = 0; i < seats.size(); i++) {
            Map<String, Object> seat = seats.get(i);
            boolean first = i % 2 == 0;
            assertThat(seat.get("wsTarget")).isEqualTo(first ? "ws://127.0.0.1:4001" : "wss://b.example:443");
            assertThat(seat.get("httpTarget")).isEqualTo(first ? "http://127.0.0.1:4001" : "https://b.example:443");
        }
        assertThat(seats.subList(0, 3)).extracting(s -> s.get("httpTarget")).containsOnly(
                "http://127.0.0.1:4001", "https://b.example:443");
    }

    @Test
    void transportsAreTheThreeThatSocketIoClientUses() {
        assertThat(Settings.Transports.parse("websocket")).isEqualTo(Settings.Transports.WEBSOCKET);
        assertThat(Settings.Transports.parse("polling")).isEqualTo(Settings.Transports.POLLING);
        assertThat(Settings.Transports.parse("polling, websocket")).isEqualTo(Settings.Transports.POLLING_UPGRADE);
        assertThatThrownBy(() -> Settings.Transports.parse("websocket,polling"))
                .hasMessageStartingWith("transports: one of websocket, polling, polling,websocket");

        System.setProperty("transports", "polling");
        assertThat(Settings.load(new Settings.Defaults(2, 0, 0, 2, 1000, 1000)).transports)
                .isEqualTo(Settings.Transports.POLLING);
    }
}
