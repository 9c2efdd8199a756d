package io.rtcio.cluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.JoinRequest;
import io.rtcio.cluster.JoinResult;
import io.rtcio.cluster.JoinResult.Reason;
import io.rtcio.cluster.LeaveResult;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.Member;
import io.rtcio.cluster.RoomInfo;
import io.rtcio.cluster.RoomRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The {@link RoomRegistry} contract: atomic joins (password, capacity, before-join snapshot with
 * media states), leaves that clean up, and the read-only views. Calls go through different nodes
 * of one cluster, since membership is cluster-wide.
 */
public abstract class RoomRegistryContract extends ClusterContractSupport {

    private static final List<String> NODES = List.of("a", "b", "c");
    private static final int BIG = 1000;

    private RoomRegistry rooms(String nodeId) {
        return node(nodeId).rooms();
    }

    private static Member member(String socketId, String nodeId) {
        return new Member(socketId, nodeId, "name-" + socketId, null);
    }

    private JoinResult join(String nodeId, String room, String socketId, String password, int maxPeers) {
        return await(rooms(nodeId).join(new JoinRequest(room, member(socketId, nodeId), password, maxPeers)));
    }

    private JoinResult.Joined joined(String nodeId, String room, String socketId) {
        JoinResult result = join(nodeId, room, socketId, null, BIG);
        assertThat(result).isInstanceOf(JoinResult.Joined.class);
        return (JoinResult.Joined) result;
    }

    @Test
    void shouldJoinEmptyRoomWithEmptySnapshot() {
        JoinResult.Joined first = joined("a", "room", "s1");

        assertThat(first.existing()).isEmpty();
        assertThat(first.mediaStates()).isEmpty();
        assertThat(await(rooms("b").members("room"))).containsExactly(member("s1", "a"));
    }

    @Test
    void shouldSnapshotExistingMembersInJoinOrderWithTheirMediaStates() {
        joined("a", "room", "s1");
        joined("b", "room", "s2");
        joined("a", "room", "s3");
        await(node("a").mediaStates().put("room", "s1", new MediaState(true, false)));
        await(node("a").mediaStates().put("room", "s3", new MediaState(false, true)));

        JoinResult.Joined fourth = joined("c", "room", "s4");

        assertThat(fourth.existing()).containsExactly(member("s1", "a"), member("s2", "b"), member("s3", "a"));
        assertThat(fourth.mediaStates()).containsOnly(
                Map.entry("s1", new MediaState(true, false)),
                Map.entry("s3", new MediaState(false, true)));
    }

    @Test
    void shouldSnapshotMediaStatesOfMembersOnly() {
        joined("a", "room", "s1");
        await(node("a").mediaStates().put("room", "ghost", new MediaState(true, true)));

        JoinResult.Joined second = joined("b", "room", "s2");

        assertThat(second.mediaStates()).doesNotContainKey("ghost");
    }

    @Test
    void shouldReportAlreadyMemberAndChangeNothing() {
        joined("a", "room", "s1");
        joined("a", "room", "s2");

        assertThat(join("b", "room", "s1", "late-password", 1)).isEqualTo(new JoinResult.AlreadyMember());
        assertThat(await(rooms("c").members("room"))).containsExactly(member("s1", "a"), member("s2", "a"));
        assertThat(await(rooms("c").describe("room"))).isEqualTo(new RoomInfo(2, false));
    }

    @Test
    void shouldRefuseJoinWhenRoomIsFull() {
        assertThat(join("a", "room", "s1", null, 2)).isInstanceOf(JoinResult.Joined.class);
        assertThat(join("b", "room", "s2", null, 2)).isInstanceOf(JoinResult.Joined.class);

        assertThat(join("c", "room", "s3", null, 2)).isEqualTo(new JoinResult.Refused(Reason.ROOM_FULL));
        assertThat(await(rooms("a").describe("room")).size()).isEqualTo(2);
    }

    @Test
    void shouldLetFirstJoinerSetThePassword() {
        assertThat(join("a", "room", "s1", "secret", BIG)).isInstanceOf(JoinResult.Joined.class);

        assertThat(await(rooms("b").describe("room"))).isEqualTo(new RoomInfo(1, true));
        assertThat(join("b", "room", "s2", "secret", BIG)).isInstanceOf(JoinResult.Joined.class);
    }

    @Test
    void shouldRequireThePasswordOnceSet() {
        join("a", "room", "s1", "secret", BIG);

        assertThat(join("b", "room", "s2", null, BIG)).isEqualTo(new JoinResult.Refused(Reason.PASSWORD_REQUIRED));
        assertThat(join("b", "room", "s2", "", BIG)).isEqualTo(new JoinResult.Refused(Reason.PASSWORD_REQUIRED));
        assertThat(await(rooms("a").members("room"))).hasSize(1);
    }

    @Test
    void shouldRefuseWrongPassword() {
        join("a", "room", "s1", "secret", BIG);

        assertThat(join("b", "room", "s2", "Secret", BIG)).isEqualTo(new JoinResult.Refused(Reason.WRONG_PASSWORD));
        assertThat(join("b", "room", "s2", "secret-", BIG)).isEqualTo(new JoinResult.Refused(Reason.WRONG_PASSWORD));
        assertThat(await(rooms("a").members("room"))).hasSize(1);
    }

    @Test
    void shouldCheckPasswordBeforeCapacity() {
        join("a", "room", "s1", "secret", 1);

        assertThat(join("b", "room", "s2", "wrong", 1)).isEqualTo(new JoinResult.Refused(Reason.WRONG_PASSWORD));
        assertThat(join("b", "room", "s2", "secret", 1)).isEqualTo(new JoinResult.Refused(Reason.ROOM_FULL));
    }

    @Test
    void shouldLetPasswordJoinAnOpenRoomWithoutSettingIt() {
        joined("a", "room", "s1");

        assertThat(join("b", "room", "s2", "secret", BIG)).isInstanceOf(JoinResult.Joined.class);
        assertThat(await(rooms("c").describe("room"))).isEqualTo(new RoomInfo(2, false));
        assertThat(join("c", "room", "s3", null, BIG)).isInstanceOf(JoinResult.Joined.class);
    }

    @Test
    void shouldDropThePasswordWhenTheRoomEmpties() {
        join("a", "room", "s1", "secret", BIG);
        join("b", "room", "s2", "secret", BIG);
        await(rooms("a").leave("room", "s1"));
        await(rooms("b").leave("room", "s2"));

        assertThat(await(rooms("c").describe("room"))).isEqualTo(new RoomInfo(0, false));
        assertThat(join("c", "room", "s3", null, BIG)).isInstanceOf(JoinResult.Joined.class);
    }

    @Test
    void shouldReportWhetherLeaverWasMemberAndWhetherRoomEmptied() {
        joined("a", "room", "s1");
        joined("b", "room", "s2");

        assertThat(await(rooms("c").leave("room", "stranger"))).satisfies(left -> assertThat(List.of(left.wasMember(), left.roomEmptied())).containsExactly(false, false));
        assertThat(await(rooms("c").leave("nowhere", "s1"))).satisfies(left -> assertThat(List.of(left.wasMember(), left.roomEmptied())).containsExactly(false, false));
        assertThat(await(rooms("a").leave("room", "s1"))).satisfies(left -> assertThat(List.of(left.wasMember(), left.roomEmptied())).containsExactly(true, false));
        assertThat(await(rooms("a").leave("room", "s1"))).satisfies(left -> assertThat(List.of(left.wasMember(), left.roomEmptied())).containsExactly(false, false));
        assertThat(await(rooms("b").leave("room", "s2"))).satisfies(left -> assertThat(List.of(left.wasMember(), left.roomEmptied())).containsExactly(true, true));
        assertThat(await(rooms("a").members("room"))).isEmpty();
    }

    @Test
    void shouldReturnTheRemovedMembershipAndTheMembersLeftBehind() {
        Member first = new Member("s1", "a", "ann", "u1", 7);
        await(rooms("a").join(new JoinRequest("room", first, null, BIG)));
        joined("b", "room", "s2");
        joined("c", "room", "s3");

        LeaveResult left = await(rooms("b").leave("room", "s1"));

        assertThat(left.removed()).isEqualTo(first);
        assertThat(left.remaining()).extracting(Member::socketId).containsExactly("s2", "s3");
        assertThat(await(rooms("a").leave("room", "s1")).remaining()).isEmpty();
        assertThat(await(rooms("a").leave("room", "s2")).remaining()).extracting(Member::socketId).containsExactly("s3");
        LeaveResult last = await(rooms("a").leave("room", "s3"));
        assertThat(last.roomEmptied()).isTrue();
        assertThat(last.remaining()).isEmpty();
    }

    @Test
    void shouldKeepTheEpochOfAMembershipInSnapshots() {
        await(rooms("a").join(new JoinRequest("room", new Member("s1", "a", "ann", null, 41), null, BIG)));

        assertThat(joined("b", "room", "s2").existing()).containsExactly(new Member("s1", "a", "ann", null, 41));
        assertThat(await(rooms("c").members("room"))).extracting(Member::epoch).containsExactly(41L, 0L);
    }

    @Test
    void shouldReturnTheOtherMembersFromARestore() {
        joined("a", "r", "s1");
        joined("b", "r", "s2");

        assertThat(await(rooms("c").restore("r", member("s3", "c"), null, null)))
                .extracting(Member::socketId).containsExactly("s1", "s2");
        assertThat(await(rooms("a").restore("r", member("s1", "a"), null, null)))
                .extracting(Member::socketId).containsExactly("s2", "s3");
    }

    @Test
    void shouldDropTheLeaversMediaState() {
        joined("a", "room", "s1");
        joined("b", "room", "s2");
        await(node("a").mediaStates().put("room", "s1", new MediaState(true, true)));
        await(node("b").mediaStates().put("room", "s2", new MediaState(false, true)));

        await(rooms("a").leave("room", "s1"));

        assertThat(await(node("c").mediaStates().snapshot("room")))
                .containsOnly(Map.entry("s2", new MediaState(false, true)));
        assertThat(joined("c", "room", "s3").mediaStates()).containsOnlyKeys("s2");
    }

    @Test
    void shouldDropAllMediaStatesWhenTheRoomEmpties() {
        joined("a", "room", "s1");
        await(node("a").mediaStates().put("room", "s1", new MediaState(true, true)));
        await(node("a").mediaStates().put("room", "ghost", new MediaState(true, false)));

        assertThat(await(rooms("a").leave("room", "s1")).roomEmptied()).isTrue();

        assertThat(await(node("b").mediaStates().snapshot("room"))).isEmpty();
    }

    @Test
    void shouldListMembersInJoinOrderAfterLeaves() {
        joined("a", "room", "s1");
        joined("b", "room", "s2");
        joined("c", "room", "s3");
        await(rooms("b").leave("room", "s2"));
        joined("b", "room", "s2");

        assertThat(await(rooms("a").members("room")))
                .containsExactly(member("s1", "a"), member("s3", "c"), member("s2", "b"));
        assertThat(await(rooms("a").members("unknown-room"))).isEmpty();
    }

    @Test
    void shouldDescribeRooms() {
        assertThat(await(rooms("a").describe("unknown-room"))).isEqualTo(new RoomInfo(0, false));
        join("a", "open", "s1", null, BIG);
        join("a", "locked", "s1", "secret", BIG);
        join("b", "locked", "s2", "secret", BIG);

        assertThat(await(rooms("c").describe("open"))).isEqualTo(new RoomInfo(1, false));
        assertThat(await(rooms("c").describe("locked"))).isEqualTo(new RoomInfo(2, true));
    }

    @Test
    void shouldListTheRoomsOfASocket() {
        joined("a", "room-1", "s1");
        joined("a", "room-2", "s1");
        joined("b", "room-2", "s2");

        assertThat(await(rooms("c").roomsOf("s1"))).containsExactlyInAnyOrder("room-1", "room-2");
        assertThat(await(rooms("c").roomsOf("s2"))).containsExactly("room-2");
        assertThat(await(rooms("c").roomsOf("stranger"))).isEmpty();

        await(rooms("a").leave("room-1", "s1"));
        assertThat(await(rooms("c").roomsOf("s1"))).containsExactly("room-2");
        await(rooms("a").leave("room-2", "s1"));
        assertThat(await(rooms("c").roomsOf("s1"))).isEmpty();
    }

    @RepeatedTest(3)
    void shouldNeverExceedCapacityUnderConcurrentJoins() throws Exception {
        int maxPeers = 8;
        List<JoinResult> results = concurrentJoins("small-room", 20, i -> null, maxPeers);

        List<JoinResult.Joined> joined = joinedOnly(results);
        assertThat(joined).hasSize(maxPeers);
        assertThat(results).filteredOn(new JoinResult.Refused(Reason.ROOM_FULL)::equals).hasSize(20 - maxPeers);
        assertThat(joined).extracting(j -> j.existing().size())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, maxPeers).boxed().toList());
        assertThat(await(rooms("a").members("small-room"))).hasSize(maxPeers);
    }

    @RepeatedTest(3)
    void shouldIntroduceEveryPairOfConcurrentJoinersExactlyOnce() throws Exception {
        int joiners = 30;
        List<JoinResult> results = concurrentJoins("big-room", joiners, i -> null, BIG);

        List<JoinResult.Joined> joined = joinedOnly(results);
        assertThat(joined).hasSize(joiners);
        List<Set<String>> seen = new ArrayList<>(); // seen.get(i): what joiner i found in the room
        for (JoinResult.Joined result : joined) {
            Set<String> sockets = new HashSet<>();
            result.existing().forEach(m -> sockets.add(m.socketId()));
            seen.add(sockets);
        }
        for (int a = 0; a < joiners; a++) {
            for (int b = a + 1; b < joiners; b++) {
                boolean aSawB = seen.get(a).contains(socket(b));
                boolean bSawA = seen.get(b).contains(socket(a));
                assertThat(aSawB ^ bSawA).as("exactly one of %s and %s sees the other", socket(a), socket(b)).isTrue();
            }
        }
        List<Member> finalOrder = await(rooms("a").members("big-room"));
        for (JoinResult.Joined result : joined) {
            assertThat(finalOrder.subList(0, result.existing().size())).isEqualTo(result.existing());
        }
    }

    @RepeatedTest(3)
    void shouldLetExactlyOneConcurrentFirstJoinerSetThePassword() throws Exception {
        int joiners = 12;
        List<JoinResult> results = concurrentJoins("locked-room", joiners, i -> "pw-" + i, BIG);

        List<Integer> winners = IntStream.range(0, joiners)
                .filter(i -> results.get(i) instanceof JoinResult.Joined).boxed().toList();
        assertThat(winners).hasSize(1);
        assertThat(results).filteredOn(new JoinResult.Refused(Reason.WRONG_PASSWORD)::equals).hasSize(joiners - 1);
        int winner = winners.get(0);
        assertThat(join("a", "locked-room", "late", "pw-" + winner, BIG)).isInstanceOf(JoinResult.Joined.class);
    }

    @Test
    void shouldRestoreMembershipsWithoutRoomRules() {
        joined("a", "r", "s1");
        await(rooms("a").restore("r", member("s2", "a"), null, new MediaState(true, false)));
        await(rooms("b").restore("r", member("s2", "a"), null, new MediaState(true, false)));

        assertThat(await(rooms("c").members("r"))).extracting(Member::socketId).containsExactly("s1", "s2");
        assertThat(await(rooms("c").roomsOf("s2"))).containsExactly("r");
        JoinResult.Joined third = joined("c", "r", "s3");
        assertThat(third.mediaStates()).containsEntry("s2", new MediaState(true, false));
        await(rooms("a").restore("full", member("x1", "a"), null, null));
        assertThat(await(rooms("a").describe("full")).size()).isEqualTo(1);
    }

    @Test
    void shouldRestoreARoomPassword() {
        await(rooms("a").restore("r", member("s1", "a"), "pw", null));
        await(rooms("b").restore("r", member("s2", "b"), "other", null));

        assertThat(await(rooms("c").describe("r")).passwordRequired()).isTrue();
        assertThat(join("c", "r", "s3", "other", 8)).isEqualTo(new JoinResult.Refused(JoinResult.Reason.WRONG_PASSWORD));
        assertThat(join("c", "r", "s3", "pw", 8)).isInstanceOf(JoinResult.Joined.class);
    }

    @Test
    void rebindShouldRePointAMembershipKeepingItsPlaceEpochAndName() {
        joined("a", "r", "s1");
        joined("b", "r", "s2");
        joined("a", "r", "s3");
        Member moved = new Member("s1", "c", "renamed-not", null, 42);

        List<Member> members = await(rooms("b").rebind("r", moved));

        assertThat(members).extracting(Member::socketId).containsExactly("s1", "s2", "s3");
        assertThat(members.get(0).nodeId()).isEqualTo("c");
        assertThat(await(rooms("a").members("r")).get(0)).isEqualTo(moved);
    }

    @Test
    void rebindShouldDoNothingForANonMember() {
        joined("a", "r", "s1");

        assertThat(await(rooms("b").rebind("r", member("ghost", "b")))).isEmpty();
        assertThat(await(rooms("b").rebind("nowhere", member("ghost", "b")))).isEmpty();
        assertThat(await(rooms("a").members("r"))).extracting(Member::socketId).containsExactly("s1");
        assertThat(await(rooms("a").roomsOf("ghost"))).isEmpty();
    }

    private static String socket(int i) {
        return "s" + i;
    }

    /** Joiner i (socket "s" + i) joins through node NODES[i % 3] with password passwordOf(i). */
    private List<JoinResult> concurrentJoins(String room, int joiners, IntFunction<String> passwordOf, int maxPeers)
            throws Exception {
        List<RoomRegistry> registries = NODES.stream().map(this::rooms).toList();
        List<Callable<JoinResult>> tasks = new ArrayList<>();
        for (int i = 0; i < joiners; i++) {
            String nodeId = NODES.get(i % NODES.size());
            RoomRegistry registry = registries.get(i % NODES.size());
            JoinRequest request = new JoinRequest(room, member(socket(i), nodeId), passwordOf.apply(i), maxPeers);
            tasks.add(() -> await(registry.join(request)));
        }
        return runConcurrently(tasks);
    }

    private static List<JoinResult.Joined> joinedOnly(List<JoinResult> results) {
        return results.stream()
                .filter(JoinResult.Joined.class::isInstance)
                .map(JoinResult.Joined.class::cast)
                .toList();
    }
}
