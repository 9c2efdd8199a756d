package io.rtcio.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartUnitTests {

    static final List<String> MATRIX = List.of("defaults", "hpa", "keda", "ingress-nginx", "gateway-api",
            "sentinel", "cluster", "networkpolicy-off", "demo-redis");

    @Test
    void lintsStrictlyWithoutErrors() {
        LintResult result = new Helm(Chart.CHART).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"defaults", "hpa", "keda", "ingress-nginx", "gateway-api", "sentinel", "cluster",
            "networkpolicy-off", "demo-redis"})
    void rendersValidObjects(String values) {
        List<HasMetadata> objects = Chart.parse(Chart.render(values, Map.of()));
        List<String> errors = new ArrayList<>();
        objects.forEach(o -> errors.addAll(StrictModel.violations(o)));
        errors.addAll(crossChecks(objects));
        assertThat(errors).as("violations for values %s", values).isEmpty();
    }

    static Stream<Arguments> expectedKinds() {
        return Stream.of(
                Arguments.of("defaults", List.of("Deployment", "Service", "ConfigMap", "ServiceAccount", "Pod"),
                        List.of("PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject", "Secret",
                                "NetworkPolicy", "Ingress", "HTTPRoute")),
                Arguments.of("hpa", List.of("HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor"),
                        List.of("ScaledObject")),
                Arguments.of("keda", List.of("ScaledObject", "PodDisruptionBudget"), List.of("HorizontalPodAutoscaler")),
                Arguments.of("ingress-nginx", List.of("Ingress", "PodDisruptionBudget"), List.of("HTTPRoute")),
                Arguments.of("gateway-api", List.of("HTTPRoute", "PodDisruptionBudget"), List.of("Ingress")),
                Arguments.of("sentinel", List.of("NetworkPolicy", "Secret", "PodDisruptionBudget"), List.of("HorizontalPodAutoscaler")),
                Arguments.of("networkpolicy-off", List.of("PodDisruptionBudget"), List.of("NetworkPolicy", "Secret")),
                Arguments.of("demo-redis", List.of("NetworkPolicy", "ServiceMonitor"), List.of("Ingress", "Secret")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedKinds")
    void rendersTheObjectsItsValuesAskFor(String values, List<String> present, List<String> absent) {
        List<String> kinds = Chart.parse(Chart.render(values, Map.of())).stream().map(HasMetadata::getKind).toList();
        assertThat(kinds).containsAll(present).doesNotContainAnyElementsOf(absent);
    }

    @Test
    void defaultsMatchTheNodeDefaultsAndRunAlone() {
        List<HasMetadata> objects = Chart.parse(Chart.render("defaults", Map.of()));
        Map<String, String> env = one(objects, ConfigMap.class).getData();
        assertThat(env).containsEntry("PORT", "3001").containsEntry("MANAGEMENT_PORT", "8081")
                .containsEntry("MAX_PEERS", "8").containsEntry("PING_INTERVAL_MS", "25000")
                .containsEntry("MAX_FRAME_BYTES", "4194304").containsEntry("SHUTDOWN_READY_DELAY_MS", "5000")
                .containsEntry("SHUTDOWN_DRAIN_MS", "20000").doesNotContainKeys("REDIS_URL", "REDIS_KEY_PREFIX");
        Deployment d = one(objects, Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(35L);
    }

    /**
     * The chart runs the image of its own build: appVersion is the Maven version (a SNAPSHOT between
     * releases, the release version in a release commit) and the default image tag is appVersion, the tag
     * Jib gives the image it builds (jib.to in signaling-node's pom). ImageSmokeIntegrationTests checks the
     * image's name and version label against the same rendering.
     */
    @Test
    void appVersionAndDefaultImageTagAreTheMavenVersion() throws Exception {
        String maven = System.getProperty("rtcio.version");
        assertThat(maven).as("rtcio.version (the Maven project version) is set by the helm pom").isNotBlank();
        assertThat(appVersion()).as("appVersion in Chart.yaml").isEqualTo(maven);
        for (String values : MATRIX) {
            Deployment d = one(Chart.parse(Chart.render(values, Map.of())), Deployment.class);
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .as("image of %s", values).isEqualTo("rtcio/signaling-node:" + maven);
            assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", maven);
        }
        String pom = java.nio.file.Files.readString(Chart.MODULE.getParent().resolve("signaling-node/pom.xml"));
        assertThat(pom).contains("<jib.to>rtcio/signaling-node:${project.version}</jib.to>",
                "<org.opencontainers.image.version>${project.version}</org.opencontainers.image.version>");
        // An explicit tag or digest still wins.
        Deployment pinned = one(Chart.parse(Chart.render("defaults", Map.of("image.tag", "0.0.9"))), Deployment.class);
        assertThat(pinned.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("rtcio/signaling-node:0.0.9");
    }

    /** appVersion from Chart.yaml. */
    static String appVersion() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(Chart.CHART.resolve("Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:")).findFirst().orElseThrow()
                .substring("appVersion:".length()).strip().replace("\"", "");
    }

    @Test
    void keyPrefixDefaultsToTheReleaseName() {
        List<HasMetadata> objects = Chart.parse(Chart.render("hpa", Map.of()));
        assertThat(one(objects, ConfigMap.class).getData()).containsEntry("REDIS_KEY_PREFIX", "rel")
                .containsEntry("REDIS_URL", "redis://redis.data.svc:6379");
        assertThat(one(Chart.parse(Chart.render("sentinel", Map.of())), ConfigMap.class).getData())
                .containsEntry("REDIS_KEY_PREFIX", "calls")
                .containsEntry("REDIS_URL", "redis-sentinel://sentinel-0.data:26379,sentinel-1.data:26379,sentinel-2.data:26379#mymaster");
    }

    @Test
    void secretsComeFromSecretsAndKeyFilesAreMounted() {
        Deployment d = one(Chart.parse(Chart.render("cluster", Map.of())), Deployment.class);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c, "JWT_PUBLIC_KEY").getValue()).isEqualTo("/etc/rtcio/keys/jwt-public-key.pem");
        assertThat(env(c, "ROOM_ALLOW_LIST_FILE").getValue()).isEqualTo("/etc/rtcio/keys/room-allow-list.txt");
        assertThat(env(c, "REDIS_URL").getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-credentials");
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/rtcio/keys") && m.getReadOnly());

        Deployment hs = one(Chart.parse(Chart.render("networkpolicy-off", Map.of())), Deployment.class);
        EnvVar jwt = env(hs.getSpec().getTemplate().getSpec().getContainers().get(0), "JWT_SECRET");
        assertThat(jwt.getValue()).isNull();
        assertThat(jwt.getValueFrom().getSecretKeyRef().getName()).isEqualTo("rtcio-secrets");
    }

    @Test
    void rotatingASecretRollsThePods() {
        String a = checksum(Chart.render("sentinel", Map.of()), "checksum/secret");
        String b = checksum(Chart.render("sentinel", Map.of("turn.secret", "rotated-secret")), "checksum/secret");
        assertThat(a).isNotBlank().isNotEqualTo(b);
        String c = checksum(Chart.render("sentinel", Map.of("config.maxPeers", 4)), "checksum/config");
        assertThat(c).isNotEqualTo(checksum(Chart.render("sentinel", Map.of()), "checksum/config"));
    }

    @Test
    void terminationGraceCoversReadinessDelayAndDrain() {
        Deployment d = one(Chart.parse(Chart.render("defaults",
                Map.of("lifecycle.readinessDelaySeconds", 7, "lifecycle.drainSeconds", 60))), Deployment.class);
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(77L);
        ConfigMap cm = one(Chart.parse(Chart.render("defaults",
                Map.of("lifecycle.readinessDelaySeconds", 7, "lifecycle.drainSeconds", 60))), ConfigMap.class);
        assertThat(cm.getData()).containsEntry("SHUTDOWN_READY_DELAY_MS", "7000").containsEntry("SHUTDOWN_DRAIN_MS", "60000");
        // The node stops within delay + drain + its stop budget; the default margin is that budget.
        assertThat(java.time.Duration.ofSeconds(77 - 7 - 60))
                .isGreaterThanOrEqualTo(io.rtcio.node.config.ShutdownConfig.STOP_BUDGET);
    }

    @Test
    void demoRedisIsWiredIn() {
        List<HasMetadata> objects = Chart.parse(Chart.render("demo-redis", Map.of()));
        assertThat(one(objects, ConfigMap.class).getData()).containsEntry("REDIS_URL", "redis://rel-rtcio-cluster-redis:6379");
        assertThat(objects).anyMatch(o -> o instanceof Service && o.getMetadata().getName().equals("rel-rtcio-cluster-redis"));
    }

    @Test
    void helmTestDoesAnEngineIoHandshakeThroughTheService() {
        Pod test = Chart.parse(Chart.render("defaults", Map.of())).stream()
                .filter(o -> o instanceof Pod).map(Pod.class::cast).findFirst().orElseThrow();
        assertThat(test.getMetadata().getAnnotations()).containsEntry(Chart.HOOK_MARK, "test");
        assertThat(String.join(" ", test.getSpec().getContainers().get(0).getCommand()))
                .contains("http://rel-rtcio-cluster:3001/socket.io/?EIO=4&transport=polling").contains("\"sid\"");
    }

    @Test
    void rulesAndDashboardsComeFromTheChartFiles() throws Exception {
        List<HasMetadata> objects = Chart.parse(Chart.render("demo-redis", Map.of()));
        long ruleFiles;
        long dashboardFiles;
        try (var r = java.nio.file.Files.list(Chart.CHART.resolve("rules"));
             var d = java.nio.file.Files.list(Chart.CHART.resolve("dashboards"))) {
            ruleFiles = r.filter(p -> p.toString().endsWith(".yaml")).count();
            dashboardFiles = d.filter(p -> p.toString().endsWith(".json")).count();
        }
        assertThat(objects.stream().filter(o -> o.getKind().equals("PrometheusRule")).count()).isEqualTo(ruleFiles);
        assertThat(objects.stream().filter(o -> o instanceof ConfigMap
                && "1".equals(o.getMetadata().getLabels().get("grafana_dashboard"))).count()).isEqualTo(dashboardFiles);
    }

    @Test
    void notesNameTheEndpointAndWarnAboutTheDemoRedis() {
        String notes = new Helm(Chart.CHART).install().withName("rel").withNamespace("ns1")
                .withKubeVersion(Chart.KUBE_VERSION).withValuesFile(Chart.VALUES.resolve("demo-redis.yaml"))
                .dryRun().clientOnly().call().getOutput();
        assertThat(notes).contains("http://rel-rtcio-cluster.ns1.svc:3001/socket.io/")
                .contains("demo Redis is a single pod").contains("helm test rel -n ns1");
    }

    /** Every variable of the README's configuration table reaches the node under some values. */
    @Test
    void everyReadmeSettingIsAValue() throws Exception {
        String readme = java.nio.file.Files.readString(Chart.MODULE.getParent().resolve("README.md"));
        String table = readme.substring(readme.indexOf("## Configuration"));
        table = table.substring(0, table.indexOf("\n## ", 5));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| (.*?) \\|").matcher(table);
        while (m.find()) {
            java.util.regex.Matcher v = java.util.regex.Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(m.group(1));
            while (v.find()) {
                documented.add(v.group(1));
            }
        }
        assertThat(documented).contains("PORT", "REDIS_URL", "JWT_JWKS_FILE", "NAMESPACES");
        java.util.Set<String> rendered = new java.util.TreeSet<>();
        List<String> renders = new ArrayList<>();
        MATRIX.forEach(v -> renders.add(Chart.render(v, Map.of())));
        renders.add(Chart.render("hpa", Map.of("config.rateLimit.burst", 200, "config.namespaces", "/calls:rtcio",
                "auth.mode", "hs256", "auth.jwtSecret", "x".repeat(32), "auth.issuer", "i", "auth.audience", "a",
                "auth.required", "true", "metrics.rooms.topK", 10, "metrics.rooms.key", "k".repeat(16), "config.ioThreads", 2)));
        for (String yaml : renders) {
            for (HasMetadata o : Chart.parse(yaml)) {
                if (o instanceof ConfigMap cm && cm.getData() != null) {
                    rendered.addAll(cm.getData().keySet());
                }
                if (o instanceof Deployment d) {
                    d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getEnv().forEach(e -> rendered.add(e.getName())));
                }
            }
        }
        assertThat(rendered).containsAll(documented);
    }

    /** The node's configuration loader accepts the environment of every rendering (secrets and key files aside). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"defaults", "hpa", "keda", "ingress-nginx", "gateway-api", "sentinel", "cluster",
            "networkpolicy-off", "demo-redis"})
    void theNodeAcceptsTheRenderedConfiguration(String values, @org.junit.jupiter.api.io.TempDir java.nio.file.Path keys)
            throws Exception {
        List<HasMetadata> objects = Chart.parse(Chart.render(values, Map.of()));
        Deployment d = all(objects, Deployment.class).stream()
                .filter(x -> "signaling".equals(x.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst().orElseThrow();
        Map<String, String> env = new java.util.HashMap<>(one(objects, ConfigMap.class).getData());
        for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (e.getValue() != null && e.getValue().startsWith("/etc/rtcio/keys/")) {
                // The key file as the Secret volume would mount it.
                String key = e.getValue().substring("/etc/rtcio/keys/".length());
                io.fabric8.kubernetes.api.model.Secret secret = one(objects, io.fabric8.kubernetes.api.model.Secret.class);
                java.nio.file.Path file = keys.resolve(key);
                java.nio.file.Files.write(file, java.util.Base64.getDecoder().decode(secret.getData().get(key)));
                env.put(e.getName(), file.toString());
            } else if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getName().equals("NODE_ID")) {
                env.put("NODE_ID", "rel-rtcio-cluster-5d8f9c7b6d-x2x9q");
            } else if (e.getName().equals("REDIS_URL")) {
                env.put("REDIS_URL", "redis://redis.data.svc:6379");
            } else {
                env.put(e.getName(), "s".repeat(40)); // a secret from a Secret
            }
        }
        io.rtcio.node.config.NodeConfig config = io.rtcio.node.config.ConfigLoader.from(env);
        assertThat(config).isNotNull();
        assertThat(java.time.Duration.ofSeconds(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()))
                .as("terminationGracePeriodSeconds covers the node's longest graceful stop")
                .isGreaterThanOrEqualTo(config.shutdown().worstCase());
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(Map.of("image.tag", "latest"), "image/tag"),
                Arguments.of(Map.of("redis.url", "redis://r:6379", "autoscaling.hpa.enabled", true,
                        "autoscaling.keda.enabled", true), "autoscaling"),
                Arguments.of(Map.of("auth.mode", "hs256", "auth.jwtSecret", "short"), "jwtSecret"),
                Arguments.of(Map.of("auth.mode", "rsa"), "auth/mode"),
                Arguments.of(Map.of("redis.url", "http://r:6379"), "redis/url"),
                Arguments.of(Map.of("redis.url", "redis-sentinel://s:26379"), "redis/url"),
                Arguments.of(Map.of("redis.url", "redis://r:6379", "redis.demo.enabled", true), "redis/url"),
                Arguments.of(Map.of("config.maxPeers", "eight"), "maxPeers"),
                Arguments.of(Map.of("config.logFormat", "xml"), "logFormat"),
                Arguments.of(Map.of("turn.enabled", true, "turn.secret", "s"), "turn/host"),
                Arguments.of(Map.of("replicaCunt", 3), "replicaCunt"),
                Arguments.of(Map.of("lifecycle.graceMarginSeconds", 5), "graceMarginSeconds"),
                Arguments.of(Map.of("securityContext.readOnlyRootFilesystem", false), "readOnlyRootFilesystem"),
                Arguments.of(Map.of("ingress.enabled", true, "gateway.enabled", true), "gateway"),
                Arguments.of(Map.of("redis.url", "redis://r", "redis.heartbeatMs", 3000, "redis.leaseMs", 6000),
                        "leaseMs must be more than twice"),
                Arguments.of(Map.of("replicaCount", 3), "needs Redis"),
                Arguments.of(Map.of("config.maxEventBytes", 8192, "config.maxFrameBytes", 4096), "at least config.maxEventBytes"),
                Arguments.of(Map.of("config.pingIntervalMs", 600000), "pingIntervalMs"),
                Arguments.of(Map.of("existingSecret", "mine", "auth.mode", "hs256", "auth.jwtSecret", "x".repeat(40)),
                        "auth/jwtSecret"),
                Arguments.of(Map.of("ingress.enabled", true, "ingress.proxyTimeoutSeconds", 30), "proxyTimeoutSeconds"),
                Arguments.of(Map.of("metrics.rooms.topK", 101), "rooms/topK"),
                Arguments.of(Map.of("metrics.rooms.key", "short"), "rooms/key"),
                Arguments.of(Map.of("metrics.rooms.keyFromExistingSecret", true), "existingSecret"),
                Arguments.of(Map.of("existingSecret", "mine", "metrics.rooms.key", "k".repeat(16)), "rooms/key"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidValues")
    void refusesInvalidValues(Map<String, Object> sets, String message) {
        assertThatThrownBy(() -> Chart.render("defaults", sets)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }

    // ---- cross-object checks ------------------------------------------------------------------------

    static List<String> crossChecks(List<HasMetadata> objects) {
        List<String> errors = new ArrayList<>();
        List<Deployment> deployments = all(objects, Deployment.class);
        Deployment node = deployments.stream()
                .filter(d -> "signaling".equals(d.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst().orElse(null);
        if (node == null) {
            return List.of("no signaling Deployment rendered");
        }
        Map<String, String> podLabels = node.getSpec().getTemplate().getMetadata().getLabels();
        PodSpec pod = node.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        ConfigMap config = all(objects, ConfigMap.class).stream()
                .filter(cm -> cm.getMetadata().getName().equals(node.getMetadata().getName())).findFirst().orElseThrow();

        for (Deployment d : deployments) {
            if (!matches(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                errors.add("Deployment " + d.getMetadata().getName() + ": selector does not match its pod labels");
            }
            errors.addAll(podSecurity("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        }
        for (Pod p : all(objects, Pod.class)) {
            errors.addAll(podSecurity("Pod " + p.getMetadata().getName(), p.getSpec()));
        }

        // The node's pod.
        List<String> portNames = c.getPorts().stream().map(p -> p.getName()).toList();
        if (!portNames.containsAll(List.of("http", "management"))) {
            errors.add("container ports must be named http and management: " + portNames);
        }
        if (c.getStartupProbe() == null || c.getLivenessProbe() == null || c.getReadinessProbe() == null) {
            errors.add("startup, liveness and readiness probes are required");
        } else {
            check(errors, "/health".equals(c.getLivenessProbe().getHttpGet().getPath())
                    && "management".equals(c.getLivenessProbe().getHttpGet().getPort().getStrVal()), "liveness probe on management /health");
            check(errors, "/ready".equals(c.getReadinessProbe().getHttpGet().getPath())
                    && "management".equals(c.getReadinessProbe().getHttpGet().getPort().getStrVal()), "readiness probe on management /ready");
            check(errors, "/health".equals(c.getStartupProbe().getHttpGet().getPath()), "startup probe on /health");
        }
        check(errors, c.getResources() != null && c.getResources().getRequests() != null
                && c.getResources().getRequests().containsKey("memory"), "resource requests");
        check(errors, c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp"))
                && pod.getVolumes().stream().anyMatch(v -> v.getName().equals("tmp") && v.getEmptyDir() != null), "/tmp emptyDir");
        EnvVar nodeId = c.getEnv().stream().filter(e -> e.getName().equals("NODE_ID")).findFirst().orElse(null);
        check(errors, nodeId != null && nodeId.getValueFrom() != null
                && "metadata.name".equals(nodeId.getValueFrom().getFieldRef().getFieldPath()), "NODE_ID from metadata.name");
        check(errors, pod.getTopologySpreadConstraints() != null && pod.getTopologySpreadConstraints().stream()
                .allMatch(t -> matches(t.getLabelSelector().getMatchLabels(), podLabels)), "topology spread selects the pods");
        long delayMs = Long.parseLong(config.getData().get("SHUTDOWN_READY_DELAY_MS"));
        long drainMs = Long.parseLong(config.getData().get("SHUTDOWN_DRAIN_MS"));
        check(errors, pod.getTerminationGracePeriodSeconds() * 1000 > delayMs + drainMs,
                "terminationGracePeriodSeconds exceeds readiness delay plus drain");
        check(errors, pod.getServiceAccountName() != null && objects.stream().anyMatch(o -> o.getKind().equals("ServiceAccount")
                && o.getMetadata().getName().equals(pod.getServiceAccountName())), "service account exists");

        // Service.
        Service svc = all(objects, Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(node.getMetadata().getName())).findFirst().orElse(null);
        if (svc == null) {
            errors.add("no Service for the node");
            return errors;
        }
        check(errors, matches(svc.getSpec().getSelector(), podLabels), "Service selector matches the pod labels");
        for (ServicePort sp : svc.getSpec().getPorts()) {
            check(errors, portNames.contains(sp.getTargetPort().getStrVal()), "Service targetPort " + sp.getTargetPort() + " is a container port");
        }
        List<String> svcPorts = svc.getSpec().getPorts().stream().map(ServicePort::getName).toList();

        for (ServiceMonitor sm : all(objects, ServiceMonitor.class)) {
            check(errors, matches(sm.getSpec().getSelector().getMatchLabels(), svc.getMetadata().getLabels()),
                    "ServiceMonitor selects the Service");
            sm.getSpec().getEndpoints().forEach(e -> check(errors, svcPorts.contains(e.getPort()),
                    "ServiceMonitor port " + e.getPort() + " exists on the Service"));
        }

        boolean autoscaled = !all(objects, HorizontalPodAutoscaler.class).isEmpty()
                || objects.stream().anyMatch(o -> o.getKind().equals("ScaledObject"));
        int replicas = node.getSpec().getReplicas() == null ? 0 : node.getSpec().getReplicas();
        List<PodDisruptionBudget> pdbs = all(objects, PodDisruptionBudget.class);
        check(errors, pdbs.isEmpty() || autoscaled || replicas >= 2, "PDB only with at least 2 replicas or autoscaling");
        check(errors, !pdbs.isEmpty() || !(autoscaled || replicas >= 2), "PDB present with at least 2 replicas or autoscaling");
        pdbs.forEach(p -> check(errors, matches(p.getSpec().getSelector().getMatchLabels(), podLabels), "PDB selects the pods"));
        check(errors, !autoscaled || node.getSpec().getReplicas() == null, "autoscaled Deployment leaves replicas to the autoscaler");
        check(errors, !(autoscaled || replicas >= 2) || config.getData().containsKey("REDIS_URL")
                || c.getEnv().stream().anyMatch(e -> e.getName().equals("REDIS_URL")), "more than one pod needs REDIS_URL");

        for (HorizontalPodAutoscaler hpa : all(objects, HorizontalPodAutoscaler.class)) {
            check(errors, hpa.getSpec().getScaleTargetRef().getName().equals(node.getMetadata().getName()), "HPA targets the Deployment");
            var down = hpa.getSpec().getBehavior().getScaleDown();
            check(errors, down.getStabilizationWindowSeconds() >= 300 && down.getPolicies().stream()
                    .allMatch(p -> p.getType().equals("Pods") && p.getValue() == 1), "HPA scales down slowly, one pod at a time");
        }
        for (HasMetadata o : objects) {
            if (o instanceof GenericKubernetesResource so && o.getKind().equals("ScaledObject")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
                @SuppressWarnings("unchecked")
                Map<String, Object> target = (Map<String, Object>) spec.get("scaleTargetRef");
                check(errors, node.getMetadata().getName().equals(target.get("name")), "ScaledObject targets the Deployment");
                check(errors, String.valueOf(spec.get("triggers")).contains("signaling_connections"), "KEDA scales on connections");
            }
        }

        for (NetworkPolicy np : all(objects, NetworkPolicy.class)) {
            check(errors, matches(np.getSpec().getPodSelector().getMatchLabels(), podLabels), "NetworkPolicy selects the pods");
            np.getSpec().getIngress().forEach(r -> r.getPorts().forEach(p -> check(errors,
                    portNames.contains(p.getPort().getStrVal()), "NetworkPolicy port " + p.getPort() + " is a container port")));
            check(errors, np.getSpec().getEgress().stream().anyMatch(r -> r.getPorts().stream()
                    .anyMatch(p -> Objects.equals(p.getPort().getIntVal(), 53))), "NetworkPolicy allows DNS");
            check(errors, !config.getData().containsKey("REDIS_KEY_PREFIX") || np.getSpec().getEgress().size() >= 2,
                    "NetworkPolicy allows Redis");
        }

        long maxFrame = Long.parseLong(config.getData().get("MAX_FRAME_BYTES"));
        long heartbeatSeconds = (Long.parseLong(config.getData().get("PING_INTERVAL_MS"))
                + Long.parseLong(config.getData().get("PING_TIMEOUT_MS"))) / 1000;
        for (Ingress in : all(objects, Ingress.class)) {
            Map<String, String> a = in.getMetadata().getAnnotations();
            check(errors, "cookie".equals(a.get("nginx.ingress.kubernetes.io/affinity")), "Ingress cookie affinity");
            check(errors, Long.parseLong(a.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) > heartbeatSeconds
                    && Long.parseLong(a.get("nginx.ingress.kubernetes.io/proxy-send-timeout")) > heartbeatSeconds,
                    "Ingress proxy timeouts exceed the ping interval");
            String body = a.get("nginx.ingress.kubernetes.io/proxy-body-size");
            check(errors, body.endsWith("m") && Long.parseLong(body.substring(0, body.length() - 1)) * 1048576 >= maxFrame,
                    "Ingress body size " + body + " fits MAX_FRAME_BYTES");
            in.getSpec().getRules().forEach(r -> r.getHttp().getPaths().forEach(p -> {
                check(errors, p.getBackend().getService().getName().equals(svc.getMetadata().getName()), "Ingress backend is the Service");
                check(errors, svcPorts.contains(p.getBackend().getService().getPort().getName()), "Ingress backend port exists");
            }));
        }
        for (HTTPRoute route : all(objects, HTTPRoute.class)) {
            route.getSpec().getRules().forEach(r -> {
                check(errors, r.getSessionPersistence() != null && "Cookie".equals(r.getSessionPersistence().getType()),
                        "HTTPRoute cookie session persistence");
                r.getBackendRefs().forEach(b -> check(errors, b.getName().equals(svc.getMetadata().getName())
                        && svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort().equals(b.getPort())), "HTTPRoute backend is the Service port"));
            });
        }
        return errors;
    }

    static List<String> podSecurity(String where, PodSpec pod) {
        List<String> errors = new ArrayList<>();
        check(errors, Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()), where + ": automountServiceAccountToken false");
        var psc = pod.getSecurityContext();
        check(errors, psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot()) && psc.getRunAsUser() != null
                && psc.getRunAsUser() > 0, where + ": non-root with a fixed UID");
        check(errors, psc != null && psc.getSeccompProfile() != null
                && "RuntimeDefault".equals(psc.getSeccompProfile().getType()), where + ": seccomp RuntimeDefault");
        for (Container c : pod.getContainers()) {
            String image = c.getImage();
            String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf(':') + 1);
            check(errors, image.contains("@sha256:") || (image.lastIndexOf(':') > image.lastIndexOf('/') && !tag.equals("latest")),
                    where + ": image " + image + " has a tag that is not latest, or a digest");
            var sc = c.getSecurityContext();
            check(errors, sc != null && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())
                    && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())
                    && sc.getCapabilities() != null && sc.getCapabilities().getDrop().contains("ALL"),
                    where + ": container " + c.getName() + " without privilege escalation, read-only root, drop ALL");
        }
        return errors;
    }

    private static void check(List<String> errors, boolean ok, String what) {
        if (!ok) {
            errors.add("expected: " + what);
        }
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertThat(found).as("objects of %s", type.getSimpleName()).isNotEmpty();
        return found.get(0);
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    static String checksum(String yaml, String key) {
        Deployment d = one(Chart.parse(yaml), Deployment.class);
        return d.getSpec().getTemplate().getMetadata().getAnnotations().get(key);
    }
}
