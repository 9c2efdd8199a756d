package io.rtcio.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol checks of a virtual user, fed with frames as a server would send them. */
class RtcPeerUnitTests {

    private final Settings settings = Settings.load(new Settings.Defaults(2, 0, 0, 2, 1000, 1000));

    private RtcPeer peer(String self, int roomSize) {
        return new RtcPeer(self, "r", roomSize, false, settings);
    }

    private static String event(String name, String payload) {
        return SocketIo.event(name, payload);
    }

    @Test
    void aCompleteRoomWithADisconnectIsOk() {
        RtcPeer b = peer("b", 2);
        b.absorb(List.of(
                event("user-connected", "{\"id\":\"a\",\"name\":\"A\"}"),
                event("media-state", "{\"id\":\"a\",\"roomId\":\"r\",\"mic\":true,\"cam\":false}"),
                event("media-state", "{\"id\":\"a\",\"roomId\":\"r\",\"mic\":false,\"cam\":true}"),
                event("stopScreenShare", "{\"id\":\"a\",\"roomId\":\"r\"}"),
                event("chat-message", "{\"roomId\":\"r\",\"text\":\"done\",\"from\":\"a\",\"at\":1}"),
                event("#rtcio:peer-left", "{\"id\":\"a\"}"),
                event("user-disconnected", "{\"id\":\"a\"}")));

        assertThat(b.knowsRoom()).isTrue();
        assertThat(b.mayDepart()).isTrue();
        assertThat(b.verdict()).isEqualTo("ok");
    }

    @Test
    void aDisconnectWithoutPeerLeftIsAViolation() {
        RtcPeer b = peer("b", 2);
        b.absorb(List.of(
                event("user-connected", "{\"id\":\"a\",\"name\":\"A\"}"),
                event("user-disconnected", "{\"id\":\"a\"}")));

        assertThat(b.verdict()).contains("user-disconnected for a without #rtcio:peer-left before it");
    }

    @Test
    void aDuplicateIntroductionAndAnEventAfterDepartureAreViolations() {
        RtcPeer c = peer("c", 3);
        c.absorb(List.of(
                event("user-connected", "{\"id\":\"a\",\"name\":\"A\"}"),
                event("user-connected", "{\"id\":\"a\",\"name\":\"A\"}"),
                event("user-connected", "{\"id\":\"b\",\"name\":\"B\"}"),
                event("#rtcio:peer-left", "{\"id\":\"a\"}"),
                event("user-disconnected", "{\"id\":\"a\"}"),
                event("stopScreenShare", "{\"id\":\"a\",\"roomId\":\"r\"}")));

        assertThat(c.verdict()).contains("user-connected twice for a").contains("stopScreenShare about a after its departure");
    }

    @Test
    void relaysOutOfOrderOrWithAWrongSourceAreViolations() {
        RtcPeer b = new RtcPeer("b", "r", 2, true, settings);
        b.absorb(List.of(
                event("user-connected", "{\"id\":\"a\",\"name\":\"A\"}"),
                event("#rtcio:message", "{\"source\":\"a\",\"target\":\"b\",\"data\":{\"k\":\"ice\",\"seq\":1,\"from\":\"a\"}}"),
                event("#rtcio:message", "{\"source\":\"x\",\"target\":\"b\",\"data\":{\"k\":\"ice\",\"seq\":0,\"from\":\"a\"}}")));

        assertThat(b.verdict()).contains("relay from a out of order").contains("#rtcio:message about x, not a room-mate");
        assertThat(b.violations()).isGreaterThanOrEqualTo(3);
    }
}
