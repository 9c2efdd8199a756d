package io.rtcio.node;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.node.auth.Authenticator;
import io.rtcio.node.config.NamespaceConfig;
import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.extension.CustomEvent;
import io.rtcio.node.extension.EventTap;
import io.rtcio.node.extension.Extensions;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.room.RoomAccessPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Starts a node embedded in an application:
 * <pre>{@code
 * SignalingNode node = SignalingNode.builder(config)
 *         .backend(backend)                       // required; the caller keeps ownership
 *         .authenticator(myAuthenticator)         // instead of the configured JWT check
 *         .roomAccessPolicy(myPolicy)             // instead of the configured claim / allow-list
 *         .event("report", (socket, payload, ack) -> { ack.reply(Map.of("ok", true)); return done; })
 *         .tap(event -> meter.record(event.name(), event.bytes()))
 *         .start();
 * }</pre>
 * Extra namespaces come from the configuration ({@code NAMESPACES}). Not thread-safe; use once.
 */
public final class SignalingNodeBuilder {

    private final NodeConfig config;
    private ClusterBackend backend;
    private Authenticator authenticator;
    private RoomAccessPolicy roomAccessPolicy;
    private final List<CustomEvent> events = new ArrayList<>();
    private final List<EventTap> taps = new ArrayList<>();

    SignalingNodeBuilder(NodeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The cluster backend to share state through (required). The node does not close it. */
    public SignalingNodeBuilder backend(ClusterBackend clusterBackend) {
        this.backend = Objects.requireNonNull(clusterBackend, "backend");
        return this;
    }

    /** Replaces the configured authentication (JWT or none) for every namespace. */
    public SignalingNodeBuilder authenticator(Authenticator custom) {
        this.authenticator = Objects.requireNonNull(custom, "authenticator");
        return this;
    }

    /** Replaces the configured room access policy. */
    public SignalingNodeBuilder roomAccessPolicy(RoomAccessPolicy custom) {
        this.roomAccessPolicy = Objects.requireNonNull(custom, "roomAccessPolicy");
        return this;
    }

    /** Accepts the custom event {@code name} on every namespace; its handler may answer through the ack. */
    public SignalingNodeBuilder event(String name, EventHandler handler) {
        events.add(new CustomEvent(null, name, handler));
        return this;
    }

    /** Accepts the custom event {@code name} on one namespace ({@code /} or one of {@code NAMESPACES}). */
    public SignalingNodeBuilder event(String namespace, String name, EventHandler handler) {
        Objects.requireNonNull(namespace, "namespace");
        Set<String> served = new HashSet<>();
        served.add("/");
        config.namespaces().stream().map(NamespaceConfig::name).forEach(served::add);
        if (!served.contains(namespace)) {
            throw new IllegalArgumentException("namespace " + namespace + " is not served; add it to NAMESPACES");
        }
        events.add(new CustomEvent(namespace, name, handler));
        return this;
    }

    /** Shows every client event to {@code tap}. */
    public SignalingNodeBuilder tap(EventTap tap) {
        taps.add(Objects.requireNonNull(tap, "tap"));
        return this;
    }

    /** Starts the node; throws when it cannot listen or an extension is invalid. */
    public SignalingNode start() {
        if (backend == null) {
            throw new IllegalStateException("a cluster backend is required: call backend(...)");
        }
        return SignalingNode.start(config, backend, new Extensions(authenticator, roomAccessPolicy, events, taps));
    }
}
