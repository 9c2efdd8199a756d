package io.rtcio.cluster.redis;

import java.util.Objects;

/**
 * Every Redis key and pub/sub channel of the backend, behind one prefix ({@code P} below) so that
 * several deployments can share one Redis. Nothing else in the backend builds a key name.
 *
 * <p>Hash tags: the keys and channel of a room carry {@code {roomId}}, and those of a node
 * {@code {nodeId}}, so each group lives in one Redis Cluster slot and a script may touch the whole
 * group. Keys of different groups (e.g. a room and a socket) are never used by one script. Inside a
 * tag, {@code %}, <code>{</code> and <code>}</code> are percent-encoded and an empty id is written
 * {@code %}, so every id gets a tag of its own that Redis reads as a tag. Socket keys carry no tag:
 * only single-key commands touch them.
 *
 * <p>Lifetimes ("nothing outlives its owner"): room keys go when the room's last member leaves;
 * a socket's keys when it unregisters and leaves its rooms; a node's lease and reap claim expire by
 * TTL, and the rest of a node's keys are removed by whoever reaps it ({@code forgetNode}).
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisKeys {

    /** The keys of one room, all in the room's slot, in the order the room scripts take them. */
    public record RoomKeys(String members, String order, String password, String mediaStates) {
        /** {@code [members, order, password, mediaStates]}: the KEYS of every room script. */
        public String[] all() {
            return new String[] {members, order, password, mediaStates};
        }
    }

    private final String prefix;

    /** @throws IllegalArgumentException when {@code prefix} is blank or holds a brace (it would break hash tags) */
    public RedisKeys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("key prefix must be non-blank and free of braces, got '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** Channel {@code P:node:{nodeId}:bus}: messages for one node, one JSON envelope each; only that node subscribes. */
    public String nodeChannel(String nodeId) {
        return prefix + ":node:" + tag(nodeId) + ":bus";
    }

    /** Channel {@code P:room:{roomId}:bus}: room fan-out; subscribed by each node while it has local members. */
    public String roomChannel(String roomId) {
        return prefix + ":room:" + tag(roomId) + ":bus";
    }

    /**
     * The keys of room {@code roomId}:
     * <ul>
     *   <li>{@code P:room:{roomId}:members}: hash, socket id → member JSON {@code {"node","name","user"}};
     *       its length is the room's size;</li>
     *   <li>{@code P:room:{roomId}:order}: list of the members' socket ids in join order;</li>
     *   <li>{@code P:room:{roomId}:password}: string, hex SHA-256 of the room password (absent: open room);</li>
     *   <li>{@code P:room:{roomId}:media}: hash, socket id → media state JSON {@code {"mic","cam"}}.</li>
     * </ul>
     */
    public RoomKeys room(String roomId) {
        String base = prefix + ":room:" + tag(roomId) + ":";
        return new RoomKeys(base + "members", base + "order", base + "password", base + "media");
    }

    /** {@code P:socket:<socketId>:rooms}: set of the room ids the socket is a member of. */
    public String socketRooms(String socketId) {
        return prefix + ":socket:" + socketId + ":rooms";
    }

    /** {@code P:socket:<socketId>:node}: string, the id of the node that owns the socket. */
    public String socketNode(String socketId) {
        return prefix + ":socket:" + socketId + ":node";
    }

    /**
     * {@code P:session:{socketId}}: hash of a socket's recoverable session ({@code secret},
     * {@code node}, {@code user}, {@code nsp}, {@code seq} the last offset given, {@code floor} the
     * highest offset trimmed from the log); a TTL of the recovery window while the socket is away.
     */
    public String session(String socketId) {
        return prefix + ":session:" + tag(socketId);
    }

    /**
     * {@code P:session:{socketId}:log}: list of the events kept for the socket while it is away,
     * {@code <offset>\n<event>\n<payload JSON>} each, oldest first; in the session's slot.
     */
    public String sessionLog(String socketId) {
        return prefix + ":session:" + tag(socketId) + ":log";
    }

    /** {@code P:node:{nodeId}:sockets}: set of the socket ids registered to the node. */
    public String nodeSockets(String nodeId) {
        return prefix + ":node:" + tag(nodeId) + ":sockets";
    }

    /** {@code P:node:{nodeId}:lease}: string (time of the last heartbeat, epoch ms) with a TTL of one lease. */
    public String nodeLease(String nodeId) {
        return prefix + ":node:" + tag(nodeId) + ":lease";
    }

    /** {@code P:node:{nodeId}:reap-claim}: string (the claiming node's id) with a TTL of one lease. */
    public String nodeReapClaim(String nodeId) {
        return prefix + ":node:" + tag(nodeId) + ":reap-claim";
    }

    /** {@code P:nodes}: set of the ids of nodes that heartbeated and were not forgotten yet. */
    public String knownNodes() {
        return prefix + ":nodes";
    }

    /** <code>{id}</code>, with the characters that would end or break the tag percent-encoded. */
    static String tag(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            return "{%}";
        }
        StringBuilder tag = new StringBuilder(id.length() + 2).append('{');
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            switch (c) {
                case '%' -> tag.append("%25");
                case '{' -> tag.append("%7B");
                case '}' -> tag.append("%7D");
                default -> tag.append(c);
            }
        }
        return tag.append('}').toString();
    }
}
