package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored room state: members, media states, password digests, and the scripts that use them. */
class StateCodecUnitTests {

    @Test
    void shouldRoundTripMembersWithAndWithoutAUser() {
        Member anonymous = new Member("s1", "n1", "Ann \"A\"", null);
        Member known = new Member("s2", "n2", "bob", "user-7");

        assertThat(StateCodec.encodeMember(anonymous)).isEqualTo("{\"node\":\"n1\",\"name\":\"Ann \\\"A\\\"\"}");
        assertThat(StateCodec.decodeMember("s1", StateCodec.encodeMember(anonymous))).isEqualTo(anonymous);
        assertThat(StateCodec.decodeMember("s2", StateCodec.encodeMember(known))).isEqualTo(known);
    }

    @Test
    void shouldRoundTripMediaStates() {
        for (MediaState state : List.of(new MediaState(true, false), new MediaState(false, true))) {
            assertThat(StateCodec.decodeMediaState(StateCodec.encodeMediaState(state))).isEqualTo(state);
        }
        assertThat(StateCodec.encodeMediaState(new MediaState(true, false))).isEqualTo("{\"mic\":true,\"cam\":false}");
    }

    @Test
    void shouldDigestPasswordsPerRoomAndNeverStoreThemInClear() {
        String digest = StateCodec.passwordDigest("r1", "secret");

        assertThat(digest).hasSize(64).doesNotContain("secret").isEqualTo(StateCodec.passwordDigest("r1", "secret"));
        assertThat(StateCodec.passwordDigest("r2", "secret")).isNotEqualTo(digest);
        assertThat(StateCodec.passwordDigest("r1", "Secret")).isNotEqualTo(digest);
        assertThat(StateCodec.passwordDigest("r1", null)).isEmpty();
        assertThat(StateCodec.passwordDigest("r1", "")).isEmpty();
    }

    @Test
    void shouldLoadEveryScriptWithTheDigestRedisWillKnowItBy() {
        for (String name : List.of("join", "leave", "restore", "members", "describe", "claim-reap", "forget-socket")) {
            LuaScript script = LuaScript.load(name);
            assertThat(script.name()).isEqualTo(name);
            assertThat(script.sha1()).matches("[0-9a-f]{40}");
        }
    }
}
