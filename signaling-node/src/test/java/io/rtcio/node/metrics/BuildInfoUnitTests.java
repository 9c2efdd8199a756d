package io.rtcio.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoUnitTests {

    @Test
    void shouldReadWhatTheBuildWrote() {
        BuildInfo build = BuildInfo.fromClasspath();
        assertThat(build.version()).isNotBlank().doesNotContain("${");
        assertThat(build.commit()).matches("[0-9a-f]{7,40}|unknown");
    }

    @Test
    void shouldFallBackToUnknownForMissingOrOddValues() {
        assertThat(BuildInfo.of(null, null)).isEqualTo(new BuildInfo("unknown", "unknown"));
        assertThat(BuildInfo.of("${project.version}", "")).isEqualTo(new BuildInfo("unknown", "unknown"));
        assertThat(BuildInfo.of("0.1.0-SNAPSHOT", "not a commit")).isEqualTo(new BuildInfo("0.1.0-SNAPSHOT", "unknown"));
        assertThat(BuildInfo.of(" 1.0 ", "0123abcdef12\n")).isEqualTo(new BuildInfo("1.0", "0123abcdef12"));
    }
}
