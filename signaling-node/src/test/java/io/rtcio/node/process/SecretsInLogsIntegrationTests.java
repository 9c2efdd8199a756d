package io.rtcio.node.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.ClientOptions;
import io.rtcio.node.harness.ClientTransport;
import io.rtcio.node.harness.NodeProcess;
import io.rtcio.node.harness.TestClient;
import io.rtcio.node.harness.TestClientFactory;
import io.rtcio.node.harness.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The node as a process at LOG_LEVEL=DEBUG, exercised through {@code ask-ice}, a JWT login and a
 * refused one: the TURN secret, the JWT secret and the tokens never appear in its output.
 */
class SecretsInLogsIntegrationTests {

    private static final String TURN_SECRET = "turn-secret-Zq81-never-logged";

    @Test
    void shouldNeverPrintTheTurnSecretTheJwtSecretOrTokens() throws Exception {
        String token = Tokens.hs256(Tokens.claims("alice").claim("rooms", List.of("*")).build());
        String forged = Tokens.hs256("an-attackers-secret-0123456789-xy", Tokens.claims("mallory").build());
        try (NodeProcess node = NodeProcess.start(Map.of("NODE_ID", "secret-node", "LOG_LEVEL", "DEBUG",
                     "TURN_SECRET", TURN_SECRET, "TURN_HOST", "turn.test", "JWT_SECRET", Tokens.SECRET)).awaitReady();
             TestClientFactory clients = TestClientFactory.node()) {
            try (TestClient alice = clients.connect(node.url(),
                    ClientOptions.of(ClientTransport.POLLING_UPGRADE).withAuth(Map.of("token", token)))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> answer = (Map<String, Object>) alice.emitWithAck("ask-ice").get(0);
                @SuppressWarnings("unchecked")
                Map<String, Object> turn = ((List<Map<String, Object>>) answer.get("iceServers")).get(1);
                assertThat(turn.get("credential")).isEqualTo(hmac((String) turn.get("username")));
                alice.emit("join-room", Map.of("roomId", "logged", "name", "alice"));
                alice.await("join-ok");
            }
            assertThat(clients.connectExpectingError(node.url(),
                    ClientOptions.of(ClientTransport.WEBSOCKET).withAuth(Map.of("token", forged))).message())
                    .isEqualTo("invalid token");
            node.terminate();

            String output = String.join("\n", node.stdout()) + "\n" + String.join("\n", node.stderr());
            assertThat(output).as("DEBUG logging is on").contains("DEBUG");
            String jwtSecretAsJwk = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Tokens.SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(output).doesNotContain(TURN_SECRET).doesNotContain(Tokens.SECRET).doesNotContain(jwtSecretAsJwk)
                    .doesNotContain(token).doesNotContain(forged)
                    .doesNotContain(token.substring(token.lastIndexOf('.') + 1))
                    .doesNotContain(forged.substring(forged.lastIndexOf('.') + 1));
        }
    }

    /** The coturn REST credential: base64(HMAC-SHA1(secret, username)). */
    private static String hmac(String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }
}
