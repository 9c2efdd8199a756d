package io.rtcio.node.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One event a client received from the server.
 *
 * @param event the event name
 * @param args  its arguments, normalised to plain Java types (see {@link TestClient#emit})
 */
public record Received(String event, List<Object> args) {

    public Received {
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    }

    /** The first argument as a map; AssertionError when there is none or it is not an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> payload() {
        if (args.isEmpty()) {
            throw new AssertionError("event '" + event + "' has no arguments, expected an object payload");
        }
        Object first = args.get(0);
        if (!(first instanceof Map<?, ?> map)) {
            throw new AssertionError("event '" + event + "' first argument is not an object: " + first);
        }
        return (Map<String, Object>) map;
    }

    /** The argument at {@code index}. */
    public Object arg(int index) {
        if (index >= args.size()) {
            throw new AssertionError("event '" + event + "' has " + args.size() + " arguments, wanted #" + index);
        }
        return args.get(index);
    }
}
