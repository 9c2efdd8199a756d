package io.rtcio.node.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What both client kinds share: the received-event store, the connection state and the waits.
 * The callbacks ({@code on*}) may come from any thread.
 */
abstract class BaseTestClient implements TestClient {

    private static final int MAX_SHOWN_EVENTS = 20;

    /** For messages, e.g. "node client n3". */
    protected final String label;

    private final List<Received> history = new ArrayList<>();
    private final Map<String, BlockingQueue<Received>> unconsumed = new ConcurrentHashMap<>();

    /** Completed with {@code null} on connect, or with the error on connect_error. */
    private final CompletableFuture<ConnectError> connectOutcome = new CompletableFuture<>();
    /** Completed with the reason of the (only) disconnect; clients never reconnect. */
    private final CompletableFuture<String> disconnected = new CompletableFuture<>();

    private volatile String socketId;
    private volatile boolean connected;
    private String transport; // guarded by this

    protected BaseTestClient(String label) {
        this.label = label;
    }

    // ---- callbacks from the client implementations ----

    protected void onConnected(String id, String transportName) {
        socketId = id;
        connected = true;
        if (transportName != null) {
            onTransport(transportName);
        }
        connectOutcome.complete(null);
    }

    protected void onConnectError(ConnectError error) {
        connectOutcome.complete(error);
    }

    protected void onDisconnected(String reason) {
        connected = false;
        disconnected.complete(reason);
    }

    protected synchronized void onTransport(String name) {
        transport = name;
        notifyAll();
    }

    protected void onEvent(Received received) {
        synchronized (history) {
            history.add(received);
        }
        queue(received.event()).add(received);
    }

    // ---- helpers for the factories and subclasses ----

    /**
     * Waits for connect or connect_error: {@code null} when connected, the error otherwise.
     *
     * @throws TimeoutException when neither happened in time
     */
    ConnectError awaitConnectOutcome(Duration timeout) throws TimeoutException {
        return get(connectOutcome, timeout, "connect");
    }

    /** Whether the disconnect has been seen. */
    protected boolean hasDisconnected() {
        return disconnected.isDone();
    }

    /** Waits for the client's own disconnect after it was asked to disconnect or kill itself. */
    protected void awaitOwnDisconnect(String action) {
        if (socketId == null) {
            return; // never connected: there is no disconnect to wait for
        }
        try {
            get(disconnected, DEFAULT_TIMEOUT, action);
        } catch (TimeoutException e) {
            throw new AssertionError(describe() + ": no disconnect within " + DEFAULT_TIMEOUT + " after " + action
                    + extraDiagnostics());
        }
    }

    /** Extra context for failure messages (e.g. the driver's stderr). */
    protected String extraDiagnostics() {
        return "";
    }

    protected String describe() {
        String t;
        synchronized (this) {
            t = transport;
        }
        return label + " (id=" + socketId + ", connected=" + connected + ", transport=" + t
                + (disconnected.isDone() ? ", disconnected: " + disconnected.getNow(null) : "") + ")";
    }

    protected static <T> T get(CompletableFuture<T> future, Duration timeout, String what) throws TimeoutException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError("failed while waiting for " + what, e.getCause());
        }
    }

    // ---- TestClient ----

    @Override
    public String socketId() {
        return socketId;
    }

    @Override
    public Received await(String event, Duration timeout) {
        Received r = poll(event, timeout);
        if (r == null) {
            throw new AssertionError(describe() + ": no '" + event + "' event within " + timeout
                    + "; received so far: " + summary() + extraDiagnostics());
        }
        return r;
    }

    @Override
    public void expectNone(String event, Duration window) {
        Received r = poll(event, window);
        if (r != null) {
            throw new AssertionError(describe() + ": expected no '" + event + "' event within " + window
                    + " but got args " + r.args());
        }
    }

    @Override
    public List<Received> receivedSoFar(String event) {
        synchronized (history) {
            return history.stream().filter(r -> r.event().equals(event)).toList();
        }
    }

    @Override
    public List<Received> receivedSoFar() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public String awaitDisconnect() {
        try {
            return get(disconnected, DEFAULT_TIMEOUT, "disconnect");
        } catch (TimeoutException e) {
            throw new AssertionError(describe() + ": no disconnect within " + DEFAULT_TIMEOUT + extraDiagnostics());
        }
    }

    @Override
    public synchronized String currentTransport() {
        return transport;
    }

    @Override
    public void awaitTransport(String name) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        synchronized (this) {
            while (!name.equals(transport)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(describe() + ": transport did not become '" + name + "' within "
                            + DEFAULT_TIMEOUT + extraDiagnostics());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for transport " + name, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private BlockingQueue<Received> queue(String event) {
        return unconsumed.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
    }

    private Received poll(String event, Duration timeout) {
        try {
            return queue(event).poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for '" + event + "'", e);
        }
    }

    private String summary() {
        synchronized (history) {
            if (history.isEmpty()) {
                return "nothing";
            }
            StringBuilder sb = new StringBuilder("[");
            int from = Math.max(0, history.size() - MAX_SHOWN_EVENTS);
            if (from > 0) {
                sb.append("... ").append(from).append(" earlier, ");
            }
            for (int i = from; i < history.size(); i++) {
                Received r = history.get(i);
                if (i > from) {
                    sb.append(", ");
                }
                String args = String.valueOf(r.args());
                sb.append(r.event()).append(args.length() > 200 ? args.substring(0, 200) + "...]" : args);
            }
            return sb.append(']').toString();
        }
    }
}
