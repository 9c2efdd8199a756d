package io.rtcio.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator itself must catch what it claims to catch. */
class StrictModelUnitTests {

    private static List<String> violations(String yaml) {
        return Chart.parse(yaml).stream().flatMap(o -> StrictModel.violations(o).stream()).toList();
    }

    @Test
    void acceptsAWellFormedObject() {
        assertThat(violations("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  ports: [{name: http, port: 80, targetPort: http}]
                """)).isEmpty();
    }

    @Test
    void catchesAMisspelledField() {
        assertThat(violations("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: "x:1", ports: [{contianerPort: 80}]}]
                """)).singleElement().asString().contains("containers[0].ports[0]").contains("contianerPort");
    }

    @Test
    void catchesAWrongApiVersionAndUnknownMonitoringField() {
        assertThat(violations("""
                apiVersion: autoscaling/v1
                kind: HorizontalPodAutoscaler
                metadata: {name: h}
                spec: {maxReplicas: 2, scaleTargetRef: {kind: Deployment, name: d}}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: m}
                spec: {selector: {}, endpoints: [{port: management, intervall: 30s}]}
                """)).anyMatch(v -> v.contains("apiVersion must be autoscaling/v2"))
                .anyMatch(v -> v.contains("intervall"));
    }

    @Test
    void catchesBadKedaObjectsAndUnknownKinds() {
        List<String> v = violations("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: k}
                spec:
                  scaleTargetRef: {name: d}
                  minReplicas: 2
                  triggers:
                    - type: prometheus
                      metricType: Average
                      metadata: {serverAddress: "http://p", query: "up", threshold: 5}
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                """);
        assertThat(v).anyMatch(s -> s.contains("unknown field(s) [minReplicas]"))
                .anyMatch(s -> s.contains("Average is not a KEDA metric type"))
                .anyMatch(s -> s.contains("threshold: KEDA trigger metadata values must be strings"))
                .anyMatch(s -> s.contains("Widget w: kind not expected"));
    }

    @Test
    void crossChecksCatchASelectorThatMissesThePods() {
        String yaml = Chart.render("hpa", java.util.Map.of())
                .replace("    app.kubernetes.io/component: signaling\n  ports:", "    app.kubernetes.io/component: nodes\n  ports:");
        List<HasMetadata> objects = Chart.parse(yaml);
        assertThat(ChartUnitTests.crossChecks(objects)).contains("expected: Service selector matches the pod labels");
    }
}
