package io.rtcio.node.harness;

/** A set of running signaling nodes that test peers connect to, wherever they run. */
public interface TestNodes extends AutoCloseable {

    int size();

    /** Base URL of node {@code index}. */
    String url(int index);

    /** Base URL for the {@code peer}-th peer of a test: peers round-robin over the nodes. */
    default String urlFor(int peer) {
        return url(Math.floorMod(peer, size()));
    }

    /** {@code #rtcio:message} relays dropped (unknown target), summed over the nodes. */
    double droppedRelays();

    @Override
    void close();
}
