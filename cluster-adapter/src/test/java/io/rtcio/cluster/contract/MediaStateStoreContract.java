package io.rtcio.cluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.MediaStateStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link MediaStateStore} contract: last state per (room, socket), visible from every node.
 * How leaving a room clears states is part of {@link RoomRegistryContract}.
 */
public abstract class MediaStateStoreContract extends ClusterContractSupport {

    private static final MediaState MIC_ONLY = new MediaState(true, false);
    private static final MediaState CAM_ONLY = new MediaState(false, true);
    private static final MediaState BOTH = new MediaState(true, true);

    private MediaStateStore store(String nodeId) {
        return node(nodeId).mediaStates();
    }

    @Test
    void shouldShareStatesAcrossNodes() {
        await(store("a").put("room", "s1", MIC_ONLY));
        await(store("b").put("room", "s2", CAM_ONLY));

        assertThat(await(store("c").snapshot("room")))
                .containsOnly(Map.entry("s1", MIC_ONLY), Map.entry("s2", CAM_ONLY));
    }

    @Test
    void shouldKeepOnlyTheLastStateOfASocket() {
        await(store("a").put("room", "s1", MIC_ONLY));
        await(store("a").put("room", "s1", BOTH));

        assertThat(await(store("b").snapshot("room"))).containsOnly(Map.entry("s1", BOTH));
    }

    @Test
    void shouldKeepRoomsApart() {
        await(store("a").put("room-1", "s1", MIC_ONLY));
        await(store("a").put("room-2", "s1", CAM_ONLY));
        await(store("a").remove("room-1", "s1"));

        assertThat(await(store("b").snapshot("room-1"))).isEmpty();
        assertThat(await(store("b").snapshot("room-2"))).containsOnly(Map.entry("s1", CAM_ONLY));
    }

    @Test
    void shouldRemoveOneSocketsState() {
        await(store("a").put("room", "s1", MIC_ONLY));
        await(store("a").put("room", "s2", CAM_ONLY));

        await(store("b").remove("room", "s1"));
        await(store("b").remove("room", "never-put"));
        await(store("b").remove("unknown-room", "s2"));

        assertThat(await(store("c").snapshot("room"))).containsOnly(Map.entry("s2", CAM_ONLY));
    }

    @Test
    void shouldReturnAnEmptySnapshotForAnUnknownRoom() {
        assertThat(await(store("a").snapshot("unknown-room"))).isEmpty();
    }

    @Test
    void shouldReturnSnapshotsThatLaterChangesDoNotAlter() {
        await(store("a").put("room", "s1", MIC_ONLY));
        Map<String, MediaState> before = await(store("a").snapshot("room"));

        await(store("a").put("room", "s1", BOTH));
        await(store("a").put("room", "s2", CAM_ONLY));

        assertThat(before).containsOnly(Map.entry("s1", MIC_ONLY));
    }
}
