package io.rtcio.node.harness;

/**
 * Creates real socket.io clients of one kind.
 *
 * <p>Every client uses {@code reconnection: false} and {@code forceNew: true}, so one client is one
 * Engine.IO connection and one socket.io session on the default namespace.
 */
public interface TestClientFactory extends AutoCloseable {

    /**
     * The npm {@code socket.io-client} (see {@code src/test/node/package.json}), all clients hosted by
     * one {@code node driver.mjs} process. Needs {@code npm ci} in {@code signaling-node/src/test/node}.
     */
    static TestClientFactory node() {
        return NodeTestClientFactory.start();
    }

    /** The Java client {@code io.socket:socket.io-client}. */
    static TestClientFactory java() {
        return new JavaTestClientFactory();
    }

    /** {@code "node"} or {@code "java"}. */
    String kind();

    /**
     * Connects to {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}) and waits (5 s) for {@code connect};
     * AssertionError carrying the connect_error message otherwise. A path after the host names a
     * namespace, as in socket.io's {@code io(url)}: {@code http://127.0.0.1:8080/calls}.
     */
    TestClient connect(String baseUrl, ClientOptions options);

    /**
     * Connects like {@link #connect}, but the client reconnects by itself when its connection is
     * lost (socket.io-client's defaults, with a 100-500 ms delay), and so recovers its session
     * when the server allows it. Node clients only.
     */
    default RecoveringClient connectRecovering(String baseUrl, ClientOptions options) {
        throw new UnsupportedOperationException("only the node client factory reconnects by itself");
    }

    /** Connects and waits (5 s) for {@code connect_error}; AssertionError if the client connects instead. */
    ConnectError connectExpectingError(String baseUrl, ClientOptions options);

    /** Closes all clients of this factory and, for node, ends the driver process. */
    @Override
    void close();
}
