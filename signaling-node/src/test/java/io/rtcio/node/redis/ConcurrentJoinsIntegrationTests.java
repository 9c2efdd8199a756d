package io.rtcio.node.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.ProcessCluster;
import io.rtcio.node.harness.Received;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 peers join 50 rooms at once across 3 node processes on one Redis. Rooms are limited to 3
 * and 4 peers ask for each, so every room is contended: no room goes above its limit, and among
 * the admitted, every pair is introduced exactly once (each sees the other once as
 * {@code user-connected}) with exactly one {@code #rtcio:init-offer} between them.
 */
class ConcurrentJoinsIntegrationTests {

    private static final int PEERS = 200;
    private static final int ROOMS = 50;
    private static final int LIMIT = 3;

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldIntroduceEveryPairOnceAndNeverExceedTheLimit() {
        try (ProcessCluster nodes = ProcessCluster.start(3, Map.of("REDIS_URL", REDIS.url(), "MAX_PEERS",
                Integer.toString(LIMIT)));
             TestClientFactory clients = TestClientFactory.node()) {
            List<TestClient> peers = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                peers.add(clients.connect(nodes.urlFor(i), ClientOptions.of(ClientTransport.WEBSOCKET)));
            }
            for (int i = 0; i < PEERS; i++) {
                peers.get(i).emit("join-room", Map.of("roomId", room(i), "name", "p" + i));
            }
            Map<String, List<TestClient>> admitted = new HashMap<>();
            int refused = 0;
            for (int i = 0; i < PEERS; i++) {
                TestClient peer = peers.get(i);
                Received outcome = awaitEither(peer, "join-ok", "join-error");
                if (outcome.event().equals("join-ok")) {
                    admitted.computeIfAbsent(room(i), r -> new ArrayList<>()).add(peer);
                } else {
                    assertThat(outcome.payload()).containsEntry("reason", "room-full");
                    refused++;
                }
            }
            assertThat(admitted).hasSize(ROOMS);
            assertThat(admitted.values()).allSatisfy(members -> assertThat(members).hasSize(LIMIT));
            assertThat(refused).isEqualTo(PEERS - ROOMS * LIMIT);

            for (List<TestClient> members : admitted.values()) {
                for (TestClient member : members) {
                    // n-1 introductions each: backfill for earlier members, broadcasts for later ones.
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                            .until(() -> member.receivedSoFar("user-connected").size() >= LIMIT - 1);
                }
                for (TestClient a : members) {
                    for (TestClient b : members) {
                        if (a == b) {
                            continue;
                        }
                        assertThat(ids(a, "user-connected", "id").stream().filter(b.socketId()::equals).count())
                                .as("%s introduced to %s", b.socketId(), a.socketId()).isEqualTo(1);
                    }
                }
                int offers = members.stream().mapToInt(m -> m.receivedSoFar("#rtcio:init-offer").size()).sum();
                assertThat(offers).as("init-offers in a room of %d: %s", LIMIT, members.stream()
                        .map(m -> m.socketId() + " got " + ids(m, "#rtcio:init-offer", "source") + " and "
                                + ids(m, "user-connected", "id")).toList())
                        .isEqualTo(LIMIT * (LIMIT - 1) / 2);
                Set<String> memberIds = members.stream().map(TestClient::socketId).collect(Collectors.toSet());
                for (TestClient member : members) {
                    assertThat(ids(member, "user-connected", "id")).allMatch(memberIds::contains);
                    assertThat(ids(member, "#rtcio:init-offer", "source")).allMatch(memberIds::contains);
                }
            }
            peers.forEach(TestClient::close);
        }
    }

    private static String room(int peer) {
        return "contended-" + (peer % ROOMS);
    }

    private static List<String> ids(TestClient peer, String event, String field) {
        return peer.receivedSoFar(event).stream().map(r -> (String) r.payload().get(field)).toList();
    }

    private static Received awaitEither(TestClient peer, String ok, String error) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<Received> oks = peer.receivedSoFar(ok);
            if (!oks.isEmpty()) {
                return oks.get(0);
            }
            List<Received> errors = peer.receivedSoFar(error);
            return errors.isEmpty() ? null : errors.get(0);
        }, java.util.Objects::nonNull);
    }
}
