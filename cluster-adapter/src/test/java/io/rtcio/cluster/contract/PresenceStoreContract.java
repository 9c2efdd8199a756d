package io.rtcio.cluster.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.PresenceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract: the socket directory, lease-based death, one reaper per dead
 * node, and forgetting a reaped node.
 *
 * <p>Time hook: leases are measured on the backend's clock, which the suite moves forward with
 * {@link #advanceTime}. The in-memory backend advances a test clock; a backend on a real server
 * waits (without sleeping in the test thread, e.g. with Awaitility) and may shorten {@link #lease}.
 */
public abstract class PresenceStoreContract extends ClusterContractSupport {

    /** The lease the suite heartbeats with. */
    protected Duration lease() {
        return Duration.ofSeconds(6);
    }

    /** Lets at least {@code duration} pass on the clock the backend measures leases with. */
    protected abstract void advanceTime(Duration duration);

    private PresenceStore presence(String nodeId) {
        return node(nodeId).presence();
    }

    @Test
    void shouldTellWhetherTheLeaseWasStillLive() {
        assertThat(await(presence("a").heartbeat("a", lease()))).isFalse();
        assertThat(await(presence("a").heartbeat("a", lease()))).isTrue();
        advanceTime(lease().plusSeconds(1));
        assertThat(await(presence("a").heartbeat("a", lease()))).isFalse();
    }

    @Test
    void shouldLocateRegisteredSocketsFromAnyNode() {
        await(presence("a").register("s1", "a"));
        await(presence("b").register("s2", "b"));

        assertThat(await(presence("c").locate("s1"))).contains("a");
        assertThat(await(presence("c").locate("s2"))).contains("b");
        assertThat(await(presence("c").locate("stranger"))).isEmpty();
    }

    @Test
    void shouldForgetUnregisteredSockets() {
        await(presence("a").register("s1", "a"));
        await(presence("a").unregister("s1"));
        await(presence("a").unregister("never-registered"));

        assertThat(await(presence("b").locate("s1"))).isEmpty();
        assertThat(await(presence("b").socketsOf("a"))).isEmpty();
    }

    @Test
    void shouldMoveASocketRegisteredAgainToItsNewNode() {
        await(presence("a").register("s1", "a"));
        await(presence("b").register("s1", "b"));

        assertThat(await(presence("c").locate("s1"))).contains("b");
        assertThat(await(presence("c").socketsOf("a"))).isEmpty();
        assertThat(await(presence("c").socketsOf("b"))).containsExactly("s1");
    }

    @Test
    void shouldListTheSocketsOfANode() {
        await(presence("a").register("s1", "a"));
        await(presence("a").register("s2", "a"));
        await(presence("b").register("s3", "b"));

        assertThat(await(presence("c").socketsOf("a"))).containsExactlyInAnyOrder("s1", "s2");
        assertThat(await(presence("c").socketsOf("b"))).containsExactly("s3");
        assertThat(await(presence("c").socketsOf("unknown-node"))).isEmpty();
    }

    @Test
    void shouldKeepNodesAliveWhileTheyHeartbeat() {
        await(presence("a").heartbeat("a", lease()));
        advanceTime(lease().dividedBy(2));
        await(presence("a").heartbeat("a", lease()));
        advanceTime(lease().dividedBy(2));
        await(presence("a").heartbeat("a", lease()));

        assertThat(await(presence("b").deadNodes())).isEmpty();
    }

    @Test
    void shouldReportANodeDeadOnceItsLeaseLapsed() {
        await(presence("a").heartbeat("a", lease()));
        await(presence("b").heartbeat("b", lease()));
        advanceTime(lease().dividedBy(2));
        await(presence("b").heartbeat("b", lease()));
        advanceTime(lease().dividedBy(2).plusMillis(100));

        assertThat(await(presence("c").deadNodes())).containsExactly("a");
    }

    @Test
    void shouldListTheNodesWithALiveLease() {
        await(presence("a").heartbeat("a", lease()));
        await(presence("b").heartbeat("b", lease()));
        assertThat(await(presence("c").liveNodes())).containsExactlyInAnyOrder("a", "b");
        advanceTime(lease().dividedBy(2));
        await(presence("b").heartbeat("b", lease()));
        advanceTime(lease().dividedBy(2).plusMillis(100));

        assertThat(await(presence("c").liveNodes())).containsExactly("b");
    }

    @Test
    void shouldNotReportNodesThatNeverHeartbeated() {
        await(presence("a").register("s1", "a"));
        advanceTime(lease().plusMillis(100));

        assertThat(await(presence("b").deadNodes())).isEmpty();
        assertThat(await(presence("b").claimReap("a"))).isFalse();
    }

    @Test
    void shouldReviveADeadNodeThatHeartbeatsAgain() {
        await(presence("a").heartbeat("a", lease()));
        advanceTime(lease().plusMillis(100));
        assertThat(await(presence("b").deadNodes())).containsExactly("a");

        await(presence("a").heartbeat("a", lease()));

        assertThat(await(presence("b").deadNodes())).isEmpty();
        assertThat(await(presence("b").claimReap("a"))).isFalse();
    }

    @Test
    void shouldNotLetAnyoneClaimALiveNode() {
        await(presence("a").heartbeat("a", lease()));

        assertThat(await(presence("b").claimReap("a"))).isFalse();
        assertThat(await(presence("b").claimReap("unknown-node"))).isFalse();
    }

    @RepeatedTest(3)
    void shouldGrantTheReapOfADeadNodeToExactlyOneClaimer() throws Exception {
        await(presence("dead").heartbeat("dead", lease()));
        advanceTime(lease().plusMillis(100));
        List<PresenceStore> survivors = List.of(presence("a"), presence("b"), presence("c"));
        List<Callable<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            PresenceStore store = survivors.get(i % survivors.size());
            claims.add(() -> await(store.claimReap("dead")));
        }

        List<Boolean> granted = runConcurrently(claims);

        assertThat(granted).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(await(presence("a").claimReap("dead"))).as("a claim after the race").isFalse();
    }

    @Test
    void shouldForgetANodeAndItsSockets() {
        await(presence("a").heartbeat("a", lease()));
        await(presence("b").heartbeat("b", lease()));
        await(presence("a").register("s1", "a"));
        await(presence("a").register("s2", "a"));
        await(presence("b").register("s3", "b"));
        advanceTime(lease().dividedBy(2));
        await(presence("b").heartbeat("b", lease()));
        advanceTime(lease().dividedBy(2).plusMillis(100));
        assertThat(await(presence("b").claimReap("a"))).isTrue();

        await(presence("b").forgetNode("a"));

        assertThat(await(presence("c").deadNodes())).doesNotContain("a");
        assertThat(await(presence("c").socketsOf("a"))).isEmpty();
        assertThat(await(presence("c").locate("s1"))).isEmpty();
        assertThat(await(presence("c").locate("s2"))).isEmpty();
        assertThat(await(presence("c").locate("s3"))).contains("b");
        assertThat(await(presence("c").claimReap("a"))).as("a forgotten node is not dead any more").isFalse();
    }

    @Test
    void shouldLeaveTheSocketsOfANodeWhoseLeaseEndedToItsReaper() {
        await(presence("a").heartbeat("a", lease()));
        await(presence("b").heartbeat("b", lease()));
        await(presence("a").register("s1", "a"));
        await(presence("b").register("s2", "b"));

        await(presence("a").endLease("a"));

        assertThat(await(presence("c").deadNodes())).containsExactly("a");
        assertThat(await(presence("c").liveNodes())).containsExactly("b");
        assertThat(await(presence("c").socketsOf("a"))).containsExactly("s1");
        assertThat(await(presence("c").locate("s1"))).contains("a");
        assertThat(await(presence("b").claimReap("a"))).as("reapable at once").isTrue();
        assertThat(await(presence("c").claimReap("a"))).isFalse();
    }
}
