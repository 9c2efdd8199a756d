package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.ClusterBusContract;

/** The {@link ClusterBusContract} on the in-memory backend: one hub per test. */
class InMemoryClusterBusUnitTests extends ClusterBusContract {

    private final InMemoryHub hub = new InMemoryHub();

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return hub.node(nodeId);
    }
}
