package io.rtcio.cluster.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.MediaState;
import io.rtcio.cluster.contract.MediaStateStoreContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@link MediaStateStoreContract} on the in-memory backend: one hub per test. */
class InMemoryMediaStateStoreUnitTests extends MediaStateStoreContract {

    private final InMemoryHub hub = new InMemoryHub();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return hub.node(nodeId);
    }

    @Test
    void shouldReturnImmutableSnapshots() {
        await(node("a").mediaStates().put("room", "s1", new MediaState(true, true)));
        Map<String, MediaState> snapshot = await(node("a").mediaStates().snapshot("room"));

        assertThatThrownBy(() -> snapshot.put("s2", new MediaState(false, false)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
