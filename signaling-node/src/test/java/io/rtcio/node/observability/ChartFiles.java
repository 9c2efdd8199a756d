package io.rtcio.node.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Helm chart's dashboards and rule files, read from the source tree. */
final class ChartFiles {

    /** One dashboard panel query. */
    record Query(String dashboard, String panel, String expr) {
    }

    private ChartFiles() {
    }

    static Path chart() {
        for (Path candidate : List.of(Path.of("..", "helm", "rtcio-cluster"), Path.of("helm", "rtcio-cluster"))) {
            if (Files.isDirectory(candidate.resolve("dashboards"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new AssertionError("helm/rtcio-cluster not found from " + Path.of("").toAbsolutePath());
    }

    static Path rules() {
        return chart().resolve("rules").resolve("rtcio-alerts.yaml");
    }

    static List<Query> dashboardQueries() {
        List<Query> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(chart().resolve("dashboards"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode board = new ObjectMapper().readTree(file.toFile());
                for (JsonNode panel : board.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        queries.add(new Query(board.path("uid").asText(), panel.path("title").asText(),
                                target.path("expr").asText()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return queries;
    }

    /** {@code expr} as Grafana sends it with every namespace and node selected. */
    static String concrete(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "5m")
                .replace("$namespace", ".*").replace("$node", ".*");
    }
}
