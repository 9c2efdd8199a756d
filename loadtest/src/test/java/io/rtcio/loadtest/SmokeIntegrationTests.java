package io.rtcio.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The smoke simulation through {@code run.sh}: two real nodes (the shaded jar) on a real
 * redis-server, Gatling users spread over both (each user pinned to one), over each
 * {@code -Dtransports}: WebSocket only, long-polling only, and long-polling upgraded to WebSocket.
 * It must pass against working nodes and fail, on its protocol gate, against nodes with the test
 * switch that drops {@code #rtcio:peer-left}: proof that the gates can fail, over a WebSocket and
 * over long-polling (the upgraded run's room traffic travels as the WebSocket one's does).
 */
class SmokeIntegrationTests {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final long BUDGET_SECONDS = 170;

    @ParameterizedTest(name = "transports={0}")
    @ValueSource(strings = {"websocket", "polling", "polling,websocket"})
    void smokePassesAgainstTwoNodesOnRedis(String transports) throws Exception {
        Run run = runSmoke("smoke-ok", transports, false);

        assertThat(run.output)
                .contains("transports=" + transports + " ")
                .contains("protocol check: count of failed events is 0.0 : true");
        assertThat(run.exitCode).as("run.sh exit code; output in %s", run.log).isZero();
    }

    @ParameterizedTest(name = "transports={0}")
    @ValueSource(strings = {"websocket", "polling"})
    void smokeFailsWhenNodesDropPeerLeft(String transports) throws Exception {
        Run run = runSmoke("smoke-broken", transports, true);

        assertThat(run.exitCode).as("run.sh exit code; output in %s", run.log).isNotZero();
        assertThat(run.output)
                .contains("protocol check: count of failed events is 0.0 : false")
                .contains("without #rtcio:peer-left before it");
    }

    private record Run(int exitCode, String output, Path log) {
    }

    private static Run runSmoke(String kind, String transports, boolean dropPeerLeft) throws Exception {
        String name = kind + "-" + transports.replace(',', '-');
        Path log = MODULE.resolve("target").resolve(name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "run.sh", "--nodes", "2", "SmokeSimulation",
                        "-Dtransports=" + transports))
                .directory(MODULE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("LOG_DIR", MODULE.resolve("target").resolve(name).toString());
        builder.environment().put("RTCIO_TEST_DROP_PEER_LEFT", Boolean.toString(dropPeerLeft));
        Process process = builder.start();
        try {
            if (!process.waitFor(BUDGET_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("run.sh did not finish within " + BUDGET_SECONDS + " s; output in " + log);
            }
        } finally {
            if (process.isAlive()) {
                // run.sh stops its servers on TERM; anything left of it goes too.
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.onExit().get(20, TimeUnit.SECONDS);
            }
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), log);
    }

    static {
        // Fail fast with a clear message rather than on a missing jar deep inside run.sh.
        File jar = MODULE.resolve("../signaling-node/target/signaling-node.jar").toFile();
        if (!jar.isFile()) {
            throw new IllegalStateException("no node jar at " + jar + ": build the reactor (mvn verify at the root)");
        }
    }
}
