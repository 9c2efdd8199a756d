package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.contract.SessionStoreContract;
import java.time.Duration;

/** The {@link SessionStoreContract} on the in-memory backend: one hub per test, on a test clock. */
class InMemorySessionStoreUnitTests extends SessionStoreContract {

    private final MutableClock clock = new MutableClock();
    private final InMemoryHub hub = new InMemoryHub(clock);

    @Override
    protected ClusterBackend newNode(String nodeId) {
        return hub.node(nodeId);
    }

    @Override
    protected void advanceTime(Duration duration) {
        clock.advance(duration);
    }
}
