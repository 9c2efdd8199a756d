package io.rtcio.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ConfigLoader}: named defaults, and every bad value refused with the variable named first. */
class ConfigLoaderUnitTests {

    /** Every test names the node, so nothing depends on this machine's host name. */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("NODE_ID", "node-under-test");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        NodeConfig config = ConfigLoader.from(env());

        assertThat(config.port()).isEqualTo(3001);
        assertThat(config.managementPort()).isEqualTo(NodeConfig.DEFAULT_MANAGEMENT_PORT).isNotEqualTo(3001);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.nodeId()).isEqualTo("node-under-test");
        assertThat(config.maxPeers()).isEqualTo(8);
        assertThat(config.turn().ttl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.turn().secret()).isNull();
        assertThat(config.turn().host()).isNull();
        assertThat(config.turn().port()).isEqualTo(3478);
        assertThat(config.turn().tlsPort()).isEqualTo(5349);
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.redisUrl()).isNull();
        assertThat(config.keyPrefix()).isEqualTo("rtcio");
        assertThat(config.jsonLogs()).as("text logs by default").isFalse();
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.anyOrigin()).isFalse();
        assertThat(config.maxEventBytes()).isEqualTo(64 * 1024);
        assertThat(config.maxFrameBytes()).isGreaterThanOrEqualTo(config.maxEventBytes());
        assertThat(config.shutdown().readyDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.shutdown().drain()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shutdownTimingsAreRead() {
        NodeConfig config = ConfigLoader.from(env("SHUTDOWN_READY_DELAY_MS", "0", "SHUTDOWN_DRAIN_MS", "60000"));

        assertThat(config.shutdown().readyDelay()).isZero();
        assertThat(config.shutdown().drain()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.shutdown().worstCase()).isEqualTo(Duration.ofMinutes(1).plus(ShutdownConfig.STOP_BUDGET));
    }

    @Test
    void blankValuesCountAsUnset() {
        NodeConfig config = ConfigLoader.from(env("PORT", "  ", "MAX_PEERS", "", "LOG_FORMAT", " "));

        assertThat(config.port()).isEqualTo(3001);
        assertThat(config.maxPeers()).isEqualTo(8);
        assertThat(config.jsonLogs()).isFalse();
    }

    @Test
    void explicitValuesAreRead() {
        NodeConfig config = ConfigLoader.from(env(
                "PORT", "4000",
                "MANAGEMENT_PORT", "4001",
                "BIND_ADDRESS", "127.0.0.1",
                "MAX_PEERS", "4",
                "LOG_FORMAT", "JSON",
                "ALLOWED_ORIGINS", "https://app.example.com, http://localhost:5173",
                "TURN_SECRET", "s3cret",
                "TURN_HOST", "turn.example.com",
                "TURN_TTL", "3600",
                "REDIS_URL", "redis://redis:6379/0",
                "PING_INTERVAL_MS", "3000",
                "PING_TIMEOUT_MS", "2000",
                "MAX_EVENT_BYTES", "65536",
                "MAX_FRAME_BYTES", "131072"));

        assertThat(config.port()).isEqualTo(4000);
        assertThat(config.managementPort()).isEqualTo(4001);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.maxPeers()).isEqualTo(4);
        assertThat(config.jsonLogs()).isTrue();
        assertThat(config.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(config.turn().secret()).isEqualTo("s3cret");
        assertThat(config.turn().host()).isEqualTo("turn.example.com");
        assertThat(config.turn().ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.redisUrl()).isEqualTo("redis://redis:6379/0");
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.pingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxEventBytes()).isEqualTo(65536);
        assertThat(config.maxFrameBytes()).isEqualTo(131072);
    }

    @Test
    void aLoneStarAllowsEveryOrigin() {
        NodeConfig config = ConfigLoader.from(env("ALLOWED_ORIGINS", "*"));

        assertThat(config.anyOrigin()).isTrue();
        assertThat(config.allowedOrigins()).containsExactly("*");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("PORT", env("PORT", "abc")),
                Arguments.of("PORT", env("PORT", "70000")),
                Arguments.of("PORT", env("PORT", "0")),
                Arguments.of("MANAGEMENT_PORT", env("PORT", "4000", "MANAGEMENT_PORT", "4000")),
                Arguments.of("MANAGEMENT_PORT", env("MANAGEMENT_PORT", "3001")),
                Arguments.of("MAX_PEERS", env("MAX_PEERS", "0")),
                Arguments.of("MAX_PEERS", env("MAX_PEERS", "-3")),
                Arguments.of("LOG_FORMAT", env("LOG_FORMAT", "xml")),
                Arguments.of("ALLOWED_ORIGINS", env("ALLOWED_ORIGINS", "https://app.example.com/path")),
                Arguments.of("ALLOWED_ORIGINS", env("ALLOWED_ORIGINS", "https://app.example.com/")),
                Arguments.of("ALLOWED_ORIGINS", env("ALLOWED_ORIGINS", "app.example.com")),
                Arguments.of("ALLOWED_ORIGINS", env("ALLOWED_ORIGINS", "*,https://app.example.com")),
                Arguments.of("ALLOWED_ORIGINS", env("ALLOWED_ORIGINS", "https://app.example.com,*")),
                Arguments.of("TURN_HOST", env("TURN_SECRET", "s3cret")),
                Arguments.of("TURN_HOST", env("TURN_HOST", "turn://turn.example.com")),
                Arguments.of("TURN_TTL", env("TURN_TTL", "ten minutes")),
                Arguments.of("REDIS_URL", env("REDIS_URL", "http://x")),
                Arguments.of("REDIS_URL", env("REDIS_URL", "localhost:6379")),
                Arguments.of("NODE_ID", env("NODE_ID", "node one")),
                Arguments.of("NODE_ID", env("NODE_ID", "x".repeat(65))),
                Arguments.of("REDIS_KEY_PREFIX", env("REDIS_KEY_PREFIX", "rtc io")),
                Arguments.of("PING_INTERVAL_MS", env("PING_INTERVAL_MS", "10")),
                Arguments.of("SHUTDOWN_READY_DELAY_MS", env("SHUTDOWN_READY_DELAY_MS", "-1")),
                Arguments.of("SHUTDOWN_READY_DELAY_MS", env("SHUTDOWN_READY_DELAY_MS", "5s")),
                Arguments.of("SHUTDOWN_READY_DELAY_MS", env("SHUTDOWN_READY_DELAY_MS", "120001")),
                Arguments.of("SHUTDOWN_DRAIN_MS", env("SHUTDOWN_DRAIN_MS", "-5")),
                Arguments.of("SHUTDOWN_DRAIN_MS", env("SHUTDOWN_DRAIN_MS", "3600001")),
                Arguments.of("MAX_FRAME_BYTES", env("MAX_EVENT_BYTES", "65536", "MAX_FRAME_BYTES", "4096")));
    }

    @ParameterizedTest(name = "[{index}] {0} refused in {1}")
    @MethodSource("badValues")
    void aBadValueIsRefusedWithTheVariableNamedFirst(String variable, Map<String, String> env) {
        assertThatThrownBy(() -> ConfigLoader.from(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ":");
    }

    @Test
    void aTurnSecretWithoutHostNamesBothVariables() {
        assertThatThrownBy(() -> ConfigLoader.from(env("TURN_SECRET", "s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("TURN_HOST:")
                .hasMessageContaining("TURN_SECRET")
                .message().doesNotContain("s3cret");
    }

    @Test
    void aRefusedRedisUrlDoesNotEchoItsPassword() {
        assertThatThrownBy(() -> ConfigLoader.from(env("REDIS_URL", "http://user:hunter2@redis:6379")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("REDIS_URL:")
                .message().doesNotContain("hunter2");
    }

    @Test
    void frameLimitEqualToEventLimitIsAccepted() {
        NodeConfig config = ConfigLoader.from(env("MAX_EVENT_BYTES", "65536", "MAX_FRAME_BYTES", "65536"));

        assertThat(config.maxFrameBytes()).isEqualTo(config.maxEventBytes());
    }

    @Test
    void recoveryDefaultsToTwoMinutesWithAFiveSecondGraceAndCanBeTurnedOff() {
        NodeConfig.RecoveryConfig defaults = ConfigLoader.from(env()).recovery();
        assertThat(defaults.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(defaults.grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.enabled()).isTrue();

        NodeConfig.RecoveryConfig off = ConfigLoader.from(env("RECOVERY_WINDOW_MS", "0")).recovery();
        assertThat(off.enabled()).isFalse();
        assertThat(off.grace()).isEqualTo(Duration.ZERO);

        assertThat(ConfigLoader.from(env("RECOVERY_WINDOW_MS", "3000")).recovery().grace())
                .as("the default grace never exceeds the window").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void recoverySettingsOutOfBoundsStopTheNodeNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.from(env("RECOVERY_WINDOW_MS", "10000", "DEPARTURE_GRACE_MS", "20000")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("DEPARTURE_GRACE_MS:");
        assertThatThrownBy(() -> ConfigLoader.from(env("RECOVERY_WINDOW_MS", "500")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("RECOVERY_WINDOW_MS:");
        assertThatThrownBy(() -> ConfigLoader.from(env("RECOVERY_WINDOW_MS", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("RECOVERY_WINDOW_MS:");
        assertThatThrownBy(() -> ConfigLoader.from(env("DEPARTURE_GRACE_MS", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("DEPARTURE_GRACE_MS:");
    }
}
