package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.RoomRegistryContract;

/** The {@link RoomRegistryContract} on the in-memory backend: one hub per test. */
class InMemoryRoomRegistryUnitTests extends RoomRegistryContract {

    private final InMemoryHub hub = new InMemoryHub();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return hub.node(nodeId);
    }
}
