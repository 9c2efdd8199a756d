package io.rtcio.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Structure of every dashboard: ids, uids, the 24-column grid, variables, data source, filters. */
class DashboardsUnitTests {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range");

    @Test
    void shouldShipTheOverviewClusterAndRoomsDashboards() {
        assertThat(Dashboards.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("rtcio-cluster.json", "rtcio-overview.json", "rtcio-rooms.json");
    }

    @Test
    void shouldHaveUniqueUidsAndPanelIds() {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode board = Dashboards.read(file);
            assertThat(board.path("title").asText()).as(file + " title").isNotBlank();
            assertThat(uids.add(board.path("uid").asText())).as(file + " uid unique").isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : board.path("panels")) {
                assertThat(ids.add(panel.path("id").asInt(-1))).as(file + " panel id " + panel.path("id")).isTrue();
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(refIds.add(target.path("refId").asText())).as(file + " refId").isTrue();
                    assertThat(target.path("expr").asText()).as(file + " " + panel.path("title")).isNotBlank();
                }
                assertThat(panel.path("targets").size()).as(file + " " + panel.path("title")).isPositive();
            }
        }
    }

    @Test
    void shouldLayPanelsOutOnTheGridWithoutOverlap() {
        for (Path file : Dashboards.files()) {
            List<JsonNode> panels = Dashboards.read(file).path("panels").findParents("gridPos");
            boolean[][] cells = new boolean[200][24];
            for (JsonNode panel : panels) {
                JsonNode grid = panel.path("gridPos");
                for (String field : new String[] {"x", "y", "w", "h"}) {
                    assertThat(grid.path(field).isInt()).as(file + " " + panel.path("title") + " gridPos." + field).isTrue();
                }
                int x = grid.path("x").asInt();
                int y = grid.path("y").asInt();
                int w = grid.path("w").asInt();
                int h = grid.path("h").asInt();
                assertThat(x).isBetween(0, 23);
                assertThat(w).isBetween(1, 24 - x);
                assertThat(h).isBetween(1, 50);
                for (int row = y; row < y + h; row++) {
                    for (int col = x; col < x + w; col++) {
                        assertThat(cells[row][col]).as(file + " " + panel.path("title") + " overlaps at " + col + "," + row)
                                .isFalse();
                        cells[row][col] = true;
                    }
                }
            }
        }
    }

    @Test
    void shouldDefineEveryVariableItUsesWithADataSourceVariable() {
        for (Path file : Dashboards.files()) {
            JsonNode board = Dashboards.read(file);
            Set<String> defined = new HashSet<>();
            for (JsonNode variable : board.path("templating").path("list")) {
                defined.add(variable.path("name").asText());
            }
            assertThat(defined).as(file + " variables").contains("datasource", "namespace", "node");
            assertThat(board.path("templating").path("list").get(0).path("type").asText()).isEqualTo("datasource");
            Matcher used = VARIABLE.matcher(board.toString());
            while (used.find()) {
                if (!BUILT_IN.contains(used.group(1))) {
                    assertThat(defined).as(file + " uses $" + used.group(1)).contains(used.group(1));
                }
            }
            for (JsonNode panel : board.path("panels")) {
                assertThat(panel.path("datasource").path("uid").asText()).as(file + " panel data source")
                        .isEqualTo("${datasource}");
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                }
            }
        }
    }

    @Test
    void shouldFilterEveryQueryByNamespaceAndNode() {
        for (Dashboards.Query query : Dashboards.queries()) {
            assertThat(query.expr()).as(query.dashboard() + " / " + query.panel()).contains("namespace=~\"$namespace\"");
            if (!query.expr().contains("up{")) {
                assertThat(query.expr()).as(query.dashboard() + " / " + query.panel()).contains("node_id=~\"$node\"");
            }
        }
    }
}
