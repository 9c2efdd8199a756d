package io.rtcio.node.ice;

import io.rtcio.node.config.NodeConfig;
import io.rtcio.node.protocol.ErrorCode;
import io.rtcio.node.protocol.EventHandler;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.protocol.SignalingException;
import io.rtcio.node.session.LocalSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code ask-ice}, answered through the client's ack with {@code {iceServers:[...]}}: STUN, TURN
 * over UDP and TCP, and TURNS on the configured host with fresh credentials; STUN only when no
 * secret is configured; an empty list when no host is configured.
 */
public final class IceHandler implements EventHandler {

    private final NodeConfig.TurnConfig config;
    private final TurnCredentials credentials;

    public IceHandler(NodeConfig.TurnConfig config, Clock clock) {
        this.config = config;
        this.credentials = config.secret() == null ? null : new TurnCredentials(config.secret(), config.ttl(), clock);
    }

    @Override
    public CompletionStage<?> handle(LocalSocket socket, Object payload, Ack ack) {
        if (!ack.requested()) {
            throw new SignalingException(ErrorCode.INVALID_PAYLOAD, Events.ASK_ICE + " needs an acknowledgement callback");
        }
        ack.reply(Map.of("iceServers", iceServers()));
        return CompletableFuture.completedFuture(null);
    }

    /** The servers a client should use now. */
    public List<Map<String, Object>> iceServers() {
        List<Map<String, Object>> servers = new ArrayList<>();
        if (config.host() == null) {
            return servers;
        }
        String host = config.host();
        servers.add(Map.of("urls", List.of("stun:" + host + ":" + config.port())));
        if (credentials != null) {
            TurnCredentials.Credential credential = credentials.issue();
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("urls", List.of(
                    "turn:" + host + ":" + config.port() + "?transport=udp",
                    "turn:" + host + ":" + config.port() + "?transport=tcp",
                    "turns:" + host + ":" + config.tlsPort() + "?transport=tcp"));
            turn.put("username", credential.username());
            turn.put("credential", credential.credential());
            servers.add(turn);
        }
        return servers;
    }
}
