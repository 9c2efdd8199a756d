package io.rtcio.node.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The argument of a {@code #rtcio:message} event as the client wrote it, kept as bytes: its
 * {@code target}, and every field other than {@code source} as a span of the original JSON. The
 * relay forwards it with {@link #withSource} and never builds a tree of {@code data} (an SDP of a
 * few kilobytes, an ICE candidate), nor serialises one again.
 *
 * <p>Made only by the inbound decoder, and only for a well-formed object whose last {@code target}
 * is a string; everything else takes the ordinary path and gets its ordinary error.
 */
public final class RelayEnvelope {

    private final byte[] bytes;
    private final int[] spans;
    private final int spanCount;
    private final String target;

    /**
     * @param bytes     the packet's bytes
     * @param spans     pairs of [from, to) offsets in {@code bytes}, one pair per kept field, each
     *                  covering {@code "name":value} exactly as written
     * @param spanCount how many ints of {@code spans} are used
     * @param target    the {@code target} field
     */
    public RelayEnvelope(byte[] bytes, int[] spans, int spanCount, String target) {
        this.bytes = bytes;
        this.spans = spans;
        this.spanCount = spanCount;
        this.target = target;
    }

    /** The socket the message is for, as the sender wrote it (not yet checked for length). */
    public String target() {
        return target;
    }

    /** The JSON object to deliver: the client's fields as written, and {@code source} set to {@code sourceId}. */
    public String withSource(String sourceId) {
        int length = 12 + sourceId.length() * 2;
        for (int i = 0; i < spanCount; i += 2) {
            length += spans[i + 1] - spans[i] + 1;
        }
        StringBuilder json = new StringBuilder(length).append('{');
        for (int i = 0; i < spanCount; i += 2) {
            json.append(new String(bytes, spans[i], spans[i + 1] - spans[i], StandardCharsets.UTF_8)).append(',');
        }
        json.append("\"source\":\"");
        JsonStringEncoder.getInstance().quoteAsString(sourceId, json);
        return json.append("\"}").toString();
    }

    @Override
    public String toString() {
        return withSource("?");
    }
}
