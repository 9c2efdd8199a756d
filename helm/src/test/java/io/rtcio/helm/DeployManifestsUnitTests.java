package io.rtcio.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/k8s holds plain manifests for users without Helm: a kustomize base (one node, no Redis) and overlays,
 * all rendered from the chart. This test renders them again and fails when the committed files drift.
 * Regenerate with {@value #REGENERATE}.
 */
class DeployManifestsUnitTests {

    static final String REGENERATE = "mvn -B -pl helm -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DeployManifestsUnitTests -Ddeploy.k8s.regenerate=true";
    static final String RELEASE = "rtcio-cluster";
    static final String NAMESPACE = "rtcio";
    static final Path DEPLOY = Chart.MODULE.getParent().resolve("deploy/k8s");
    static final String HEADER = "# Generated from helm/rtcio-cluster by DeployManifestsUnitTests; do not edit.\n"
            + "# Regenerate: " + REGENERATE + "\n";

    /** The files deploy/k8s must hold, path relative to deploy/k8s to content. */
    static Map<String, String> expected() {
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, String> base = documents(render("single-node"));
        Map<String, String> cluster = documents(render("cluster"));

        files.put("base/rtcio-cluster.yaml", HEADER + String.join("", base.values()));
        files.put("base/kustomization.yaml", HEADER + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: %s
                resources:
                  - rtcio-cluster.yaml
                """.formatted(NAMESPACE));
        files.put("overlays/single-node/kustomization.yaml", HEADER + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                # One node on its in-memory backend: the base as it is.
                resources:
                  - ../../base
                """);

        StringBuilder added = new StringBuilder();
        List<String> patches = new ArrayList<>();
        for (Map.Entry<String, String> e : cluster.entrySet()) {
            String old = base.get(e.getKey());
            if (old == null) {
                added.append(e.getValue());
            } else if (!old.equals(e.getValue())) {
                String name = "patch-" + e.getKey().toLowerCase().replace('/', '-') + ".yaml";
                files.put("overlays/cluster/" + name, HEADER + e.getValue());
                patches.add(name);
            }
        }
        for (String key : base.keySet()) {
            assertThat(cluster).as("the cluster overlay cannot remove %s from the base", key).containsKey(key);
        }
        StringBuilder kustomization = new StringBuilder(HEADER + """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                # Three nodes on an external Redis. Create the Secret redis-credentials with key REDIS_URL first:
                #   kubectl -n %s create secret generic redis-credentials --from-literal=REDIS_URL=redis://host:6379
                namespace: %s
                resources:
                  - ../../base
                """.formatted(NAMESPACE, NAMESPACE));
        if (!added.isEmpty()) {
            files.put("overlays/cluster/cluster-only.yaml", HEADER + added);
            kustomization.append("  - cluster-only.yaml\n");
        }
        if (!patches.isEmpty()) {
            kustomization.append("patches:\n");
            patches.forEach(p -> kustomization.append("  - path: ").append(p).append('\n'));
        }
        files.put("overlays/cluster/kustomization.yaml", kustomization.toString());
        return files;
    }

    static String render(String values) {
        return Chart.render(RELEASE, NAMESPACE, Chart.VALUES.resolve("../deploy/" + values + ".yaml"), Map.of());
    }

    /** Splits a rendering into its non-hook documents, keyed by kind/name, each ending in a newline. */
    static Map<String, String> documents(String yaml) {
        Map<String, String> docs = new LinkedHashMap<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            String body = doc.replaceAll("(?m)^# Source: .*\\n", "").strip();
            if (body.isEmpty()) {
                continue;
            }
            List<HasMetadata> parsed = Chart.parse(body);
            assertThat(parsed).hasSize(1);
            HasMetadata o = parsed.get(0);
            if (Chart.isHook(o)) {
                continue;
            }
            docs.put(o.getKind() + "/" + o.getMetadata().getName(), "---\n" + body + "\n");
        }
        return docs;
    }

    @Test
    void committedManifestsMatchTheChart() throws IOException {
        Map<String, String> files = expected();
        if (Boolean.getBoolean("deploy.k8s.regenerate")) {
            if (Files.isDirectory(DEPLOY)) {
                try (var walk = Files.walk(DEPLOY)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (Files.isRegularFile(p) && p.toString().endsWith(".yaml")) {
                            Files.delete(p);
                        }
                    }
                }
            }
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path to = DEPLOY.resolve(e.getKey());
                Files.createDirectories(to.getParent());
                Files.writeString(to, e.getValue());
            }
        }
        List<String> drift = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = DEPLOY.resolve(e.getKey());
            if (!Files.exists(p)) {
                drift.add(e.getKey() + " is missing");
            } else if (!Files.readString(p).equals(e.getValue())) {
                drift.add(e.getKey() + " differs from the chart");
            }
        }
        try (var walk = Files.walk(DEPLOY)) {
            walk.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> DEPLOY.relativize(p).toString())
                    .filter(p -> !files.containsKey(p))
                    .forEach(p -> drift.add(p + " is not produced by the chart"));
        }
        assertThat(drift).as("deploy/k8s is out of date with the chart; regenerate with: %s", REGENERATE).isEmpty();
    }

    @Test
    void committedManifestsAreValid() {
        for (String values : List.of("single-node", "cluster")) {
            List<HasMetadata> objects = Chart.parse(render(values));
            List<String> errors = new ArrayList<>();
            objects.forEach(o -> errors.addAll(StrictModel.violations(o)));
            errors.addAll(ChartUnitTests.crossChecks(objects));
            assertThat(errors).as(values).isEmpty();
        }
    }

    /** With kubectl on the PATH, the overlays built by kustomize must be the chart's renderings, object by object. */
    @Test
    void kustomizeBuildsEqualTheChartRenderings() throws Exception {
        Path kubectl = findOnPath("kubectl");
        assumeTrue(kubectl != null, "kubectl is not on the PATH: kustomize builds of deploy/k8s are not compared");
        for (String[] pair : new String[][] {{"overlays/single-node", "single-node"}, {"overlays/cluster", "cluster"}}) {
            Process p = new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve(pair[0]).toString())
                    .redirectErrorStream(true).start();
            String built = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(built).isZero();
            List<HasMetadata> kustomized = Chart.parse(built);
            // kustomize sets the namespace that `helm install -n` would give.
            kustomized.forEach(o -> {
                assertThat(o.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
                o.getMetadata().setNamespace(null);
            });
            Map<String, Object> fromKustomize = byKey(kustomized);
            Map<String, Object> fromChart = byKey(Chart.parse(render(pair[1])));
            assertThat(fromKustomize).as(pair[0]).isEqualTo(fromChart);
        }
    }

    private static Map<String, Object> byKey(List<HasMetadata> objects) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (HasMetadata o : objects) {
            if (!Chart.isHook(o)) {
                out.put(o.getKind() + "/" + o.getMetadata().getName(),
                        Chart.SERIALIZATION.convertValue(o, Map.class));
            }
        }
        return out;
    }

    private static Path findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
