package io.rtcio.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RosterUnitTests {

    private static final Roster.Peer ANN = new Roster.Peer("ann", "n1", 1, "Ann");
    private final Roster roster = new Roster();

    @Test
    void shouldIntroduceAPeerMembershipOnce() {
        assertThat(roster.introduce(ANN)).isTrue();
        assertThat(roster.introduce(ANN)).isFalse();
        assertThat(roster.peers()).containsExactly(ANN);
    }

    @Test
    void shouldAnnounceADepartureOnceAndOnlyOfAKnownMembership() {
        roster.introduce(ANN);

        assertThat(roster.depart("ann", 2)).isNull();
        assertThat(roster.depart("ann", 1)).isEqualTo(ANN);
        assertThat(roster.depart("ann", 1)).isNull();
        assertThat(roster.peers()).isEmpty();
    }

    @Test
    void shouldDropAnIntroductionThatArrivesAfterItsDeparture() {
        assertThat(roster.depart("ann", 1)).isNull();

        assertThat(roster.introduce(ANN)).isFalse();
        assertThat(roster.peers()).isEmpty();
    }

    @Test
    void shouldTakeANewMembershipOfAPeerThatLeftAndCameBack() {
        roster.introduce(ANN);
        roster.depart("ann", 1);

        Roster.Peer again = new Roster.Peer("ann", "n2", 5, "Ann");
        assertThat(roster.introduce(again)).isTrue();
        assertThat(roster.depart("ann", 5)).isEqualTo(again);
    }

    @Test
    void shouldForgetTheOldestDeparturesBeyondItsBound() {
        for (int i = 0; i <= Roster.MAX_DEPARTED; i++) {
            roster.depart("gone-" + i, 1);
        }

        assertThat(roster.introduce(new Roster.Peer("gone-0", "n1", 1, ""))).isTrue();
        assertThat(roster.introduce(new Roster.Peer("gone-1", "n1", 1, ""))).isFalse();
    }
}
