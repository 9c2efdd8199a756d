package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Key and channel names: the prefix, one slot per room and per node, and ids that look like hash tags. */
class RedisKeysUnitTests {

    private static final List<String> AWKWARD_IDS = List.of("lobby", "", "{", "}", "}x{", "a{b}c", "%", "%7B",
            "%25", "room:with:colons", "{lobby}", "ünïcødé");

    private final RedisKeys keys = new RedisKeys("app");

    @Test
    void shouldNameKeysUnderThePrefix() {
        assertThat(keys.room("r1").members()).isEqualTo("app:room:{r1}:members");
        assertThat(keys.roomChannel("r1")).isEqualTo("app:room:{r1}:bus");
        assertThat(keys.nodeChannel("n1")).isEqualTo("app:node:{n1}:bus");
        assertThat(keys.nodeLease("n1")).isEqualTo("app:node:{n1}:lease");
        assertThat(keys.socketRooms("s1")).isEqualTo("app:socket:s1:rooms");
        assertThat(keys.knownNodes()).isEqualTo("app:nodes");
    }

    @Test
    void shouldPutEveryKeyAndTheChannelOfARoomInOneSlot() {
        for (String room : AWKWARD_IDS) {
            RedisKeys.RoomKeys roomKeys = keys.room(room);
            int slot = SlotHash.getSlot(roomKeys.members());
            for (String key : roomKeys.all()) {
                assertThat(SlotHash.getSlot(key)).as("slot of %s", key).isEqualTo(slot);
            }
            assertThat(SlotHash.getSlot(keys.roomChannel(room))).isEqualTo(slot);
        }
    }

    @Test
    void shouldPutTheLeaseAndReapClaimOfANodeInOneSlot() {
        for (String node : AWKWARD_IDS) {
            assertThat(SlotHash.getSlot(keys.nodeReapClaim(node))).isEqualTo(SlotHash.getSlot(keys.nodeLease(node)));
            assertThat(SlotHash.getSlot(keys.nodeSockets(node))).isEqualTo(SlotHash.getSlot(keys.nodeLease(node)));
        }
    }

    @Test
    void shouldGiveEveryRoomIdKeysOfItsOwn() {
        Set<String> names = new HashSet<>();
        for (String room : AWKWARD_IDS) {
            names.addAll(List.of(keys.room(room).all()));
            names.add(keys.roomChannel(room));
        }
        assertThat(names).hasSize(AWKWARD_IDS.size() * 5);
    }

    @Test
    void shouldSpreadRoomsOverSlots() {
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            slots.add(SlotHash.getSlot(keys.room("room-" + i).members()));
        }
        assertThat(slots).hasSizeGreaterThan(90);
    }

    @Test
    void shouldRefusePrefixesThatBreakHashTags() {
        assertThatThrownBy(() -> new RedisKeys("a{b}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedisKeys("a}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedisKeys(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
