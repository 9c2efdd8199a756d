package io.rtcio.node.harness;

import java.time.Duration;
import java.util.List;

/**
 * One real socket.io client connected to the server under test, on the default namespace.
 *
 * <p>Values passed to and received from the server are JSON-like plain Java types:
 * {@code Map<String, Object>}, {@code List<Object>}, {@code String}, {@code Integer}/{@code Long}
 * (or {@code BigInteger} when huge), {@code Double}, {@code Boolean} and {@code null}.
 * A number without a fractional part always comes back as an integer type ({@code 2.0} arrives as {@code 2}).
 *
 * <p>Received events are kept per event name. {@link #await} consumes the oldest unconsumed one;
 * {@link #receivedSoFar} shows all of them, consumed or not.
 */
public interface TestClient extends AutoCloseable {

    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** {@code socket.id} as the client sees it. */
    String socketId();

    /** Emits an event without an ack callback. */
    void emit(String event, Object... args);

    /** Emits an event with an ack callback and waits (5 s) for the ack; returns the ack's arguments. */
    List<Object> emitWithAck(String event, Object... args);

    /**
     * Next unconsumed event of that name, waiting up to 5 s; AssertionError naming the event and
     * listing what was received otherwise.
     */
    default Received await(String event) {
        return await(event, DEFAULT_TIMEOUT);
    }

    Received await(String event, Duration timeout);

    /**
     * AssertionError if an event of that name is already waiting unconsumed, or arrives within {@code window}.
     * Consumes what it finds.
     */
    void expectNone(String event, Duration window);

    /** Every event of that name received so far, consumed or not, oldest first. Consumes nothing. */
    List<Received> receivedSoFar(String event);

    /** Every event received so far, of any name, in arrival order. Consumes nothing. */
    List<Received> receivedSoFar();

    /** Whether the client currently considers itself connected. */
    boolean isConnected();

    /** Waits up to 5 s for the client's {@code disconnect} and returns its reason (e.g. "io server disconnect"). */
    String awaitDisconnect();

    /** The engine's current transport, {@code "polling"} or {@code "websocket"}. */
    String currentTransport();

    /** Waits (5 s) until the engine runs on that transport, e.g. {@code "websocket"} after the upgrade. */
    void awaitTransport(String name);

    /** Clean client disconnect (sends the socket.io DISCONNECT packet); returns once the client has processed it. */
    void disconnect();

    /**
     * Abrupt close: the Engine.IO connection is closed without a socket.io DISCONNECT packet
     * (a websocket close frame, or an Engine.IO close packet on polling). Returns once the client
     * has processed it; the client then reports the reason "forced close".
     */
    void kill();

    /** Disconnects if still connected and releases the client's resources. */
    @Override
    void close();
}
