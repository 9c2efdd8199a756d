package io.rtcio.cluster.contract;

import io.rtcio.cluster.ClusterBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/**
 * What every contract suite needs: nodes of one cluster, and blocking helpers with timeouts.
 *
 * <p>A backend's suite implements {@link #newNode}. JUnit makes one test instance per test method;
 * every node created through one instance must belong to one cluster, empty when the test starts,
 * and nodes of different instances must not see each other (the in-memory backend makes a new hub
 * per instance; a Redis backend would use a fresh key prefix per instance).
 */
public abstract class ClusterContractSupport {

    /** How long any single wait of a contract test may take before it fails. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, ClusterBackend> nodes = new LinkedHashMap<>();

    /** Starts node {@code nodeId} in this test's cluster. Called at most once per id per test. */
    protected abstract ClusterBackend newNode(String nodeId);

    /** The node {@code nodeId} of this test's cluster, started on first use, closed after the test. */
    protected final synchronized ClusterBackend node(String nodeId) {
        return nodes.computeIfAbsent(nodeId, this::newNode);
    }

    @AfterEach
    protected final synchronized void closeNodes() {
        nodes.values().forEach(ClusterBackend::close);
        nodes.clear();
    }

    /** Waits for {@code stage}; fails the test when it fails or takes longer than {@link #TIMEOUT}. */
    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("stage did not complete within " + TIMEOUT, e);
        }
    }

    /**
     * Runs every task on its own thread, released together to maximise contention, and returns
     * their results in task order.
     */
    protected static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch ready = new CountDownLatch(tasks.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            if (!ready.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("threads did not start within " + TIMEOUT);
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
