package io.rtcio.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules and dashboard queries through {@code promtool} (Debian package
 * {@code prometheus}): the rules check and pass their unit tests, which cover every alert firing
 * and not firing; every alert has a runbook; every dashboard query parses.
 */
class AlertRulesIntegrationTests {

    static final Path RULES = Chart.CHART.resolve("rules").resolve("rtcio-alerts.yaml");
    static final Path RULE_TESTS = Chart.MODULE.resolve("src/test/resources/promtool/rtcio-alerts-test.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @BeforeAll
    static void needsPromtool() {
        assumeTrue(promtoolInstalled(), "promtool is not installed (Debian package prometheus): alert rules not checked");
    }

    static boolean promtoolInstalled() {
        try {
            Process p = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    record Run(int exit, String output) {
    }

    static Run promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Run run = promtool(Chart.CHART, "check", "rules", RULES.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Run run = promtool(RULE_TESTS.getParent(), "test", "rules", RULE_TESTS.getFileName().toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void aBrokenExpectationFailsTheUnitTests(@TempDir Path dir) throws Exception {
        String tests = Files.readString(RULE_TESTS).replace("../../../../rtcio-cluster/rules/rtcio-alerts.yaml",
                RULES.toAbsolutePath().toString()).replace("summary: \"rtc-0 cannot reach", "summary: \"rtc-9 cannot reach");
        Files.writeString(dir.resolve("broken.yaml"), tests);
        Run run = promtool(dir, "test", "rules", "broken.yaml");
        assertThat(run.exit()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("RtcioRedisUnreachable");
    }

    @Test
    void everyAlertHasARunbookAndIsTestedFiringAndNotFiring() throws Exception {
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule.path("alert").asText());
                    assertThat(rule.path("annotations").path("runbook").asText()).as(rule.path("alert") + " runbook")
                            .isNotBlank();
                    assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
                }
            }
        }
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : YAML.readTree(RULE_TESTS.toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
            }
        }
        assertThat(alerts).contains("RtcioRedisUnreachable", "RtcioNodeDown", "RtcioRelayDrops", "RtcioRelayLatencyHigh",
                "RtcioEventLoopBacklog", "RtcioReadyReplicasLow", "RtcioHeapHigh");
        assertThat(firing).as("alerts tested firing").containsAll(alerts);
        assertThat(quiet).as("alerts tested not firing").containsAll(alerts);
    }

    @Test
    void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int i = 0;
        for (Dashboards.Query query : Dashboards.queries()) {
            rules.append("      - record: dashboard:query_").append(i++).append("\n        expr: ")
                    .append(YAML.writeValueAsString(Dashboards.concrete(query.expr())).replaceFirst("^---\\s*", "").strip())
                    .append('\n');
        }
        Files.writeString(dir.resolve("queries.yaml"), rules);
        Run run = promtool(dir, "check", "rules", "queries.yaml");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: " + i + " rules found");
    }
}
