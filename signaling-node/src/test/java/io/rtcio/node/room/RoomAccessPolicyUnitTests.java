package io.rtcio.node.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Room patterns ({@code *}) as the claim and allow-list policies use them. */
class RoomAccessPolicyUnitTests {

    private static boolean matches(String pattern, String roomId) {
        return new RoomPattern(pattern).matches(roomId);
    }

    @Test
    void exactIdsMatchOnlyThemselves() {
        assertThat(matches("lobby", "lobby")).isTrue();
        assertThat(matches("lobby", "lobby2")).isFalse();
        assertThat(matches("lobby", "lobb")).isFalse();
        assertThat(matches("", "")).isTrue();
        assertThat(matches("", "x")).isFalse();
    }

    @Test
    void aStarMatchesAnyRunOfCharacters() {
        assertThat(matches("*", "anything at all")).isTrue();
        assertThat(matches("*", "")).isTrue();
        assertThat(matches("team-*", "team-a")).isTrue();
        assertThat(matches("team-*", "team-")).isTrue();
        assertThat(matches("team-*", "teams")).isFalse();
        assertThat(matches("*-2024", "q1-2024")).isTrue();
        assertThat(matches("a*b*c", "a-x-b-y-c")).isTrue();
        assertThat(matches("a*b*c", "a-x-c-y-b")).isFalse();
        assertThat(matches("**x", "yyx")).isTrue();
    }

    @Test
    void otherCharactersAreLiteral() {
        assertThat(matches("room.1", "roomX1")).isFalse();
        assertThat(matches("room?", "room1")).isFalse();
        assertThat(matches("[a]", "[a]")).isTrue();
    }

    @Test
    void longHostilePatternsStayCheap() {
        String pattern = "*a".repeat(60) + "b";
        String roomId = "a".repeat(128);
        long start = System.nanoTime();
        assertThat(matches(pattern, roomId)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
