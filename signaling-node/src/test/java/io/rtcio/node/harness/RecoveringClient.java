package io.rtcio.node.harness;

import java.time.Duration;

/**
 * A test client that reconnects by itself, as a browser's socket.io-client does by default, and
 * can lose its connection the way a network failure does (see
 * {@link TestClientFactory#connectRecovering}).
 */
public interface RecoveringClient extends TestClient {

    /** One {@code connect} of the client: the id it got and whether its session was recovered. */
    record Connect(String socketId, boolean recovered) {
    }

    /** The TCP connection is destroyed without a close frame or packet; the client then reconnects by itself. */
    void drop();

    /** Its next reconnection goes to {@code baseUrl} (another node, as a load balancer would send it). */
    void retarget(String baseUrl);

    /** Waits until the client has connected {@code count} times in all and returns that connect. */
    Connect awaitConnect(int count, Duration timeout);
}
