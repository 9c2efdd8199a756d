package io.rtcio.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict validation of rendered objects against the typed Kubernetes, monitoring and Gateway API models:
 * any field the model does not know is an error, as is an unknown kind or a retired apiVersion.
 * KEDA ships no model here, so its ScaledObject is checked against the fields its CRD defines.
 */
final class StrictModel {

    /** The one apiVersion each kind may use. */
    static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Deployment", "apps/v1"),
            Map.entry("Service", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("ServiceAccount", "v1"),
            Map.entry("Pod", "v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"),
            Map.entry("PrometheusRule", "monitoring.coreos.com/v1"),
            Map.entry("HTTPRoute", "gateway.networking.k8s.io/v1"),
            Map.entry("ScaledObject", "keda.sh/v1alpha1"));

    private StrictModel() {
    }

    static List<String> violations(HasMetadata o) {
        List<String> errors = new ArrayList<>();
        String where = o.getApiVersion() + "/" + o.getKind() + " " + o.getMetadata().getName();
        String expected = API_VERSIONS.get(o.getKind());
        if (expected == null) {
            errors.add(where + ": kind not expected in this chart");
        } else if (!expected.equals(o.getApiVersion())) {
            errors.add(where + ": apiVersion must be " + expected);
        }
        if (o instanceof GenericKubernetesResource generic) {
            if ("ScaledObject".equals(o.getKind())) {
                Keda.check(where, generic, errors);
            } else {
                errors.add(where + ": no typed model knows this kind");
            }
            return errors;
        }
        walk(o, where, errors);
        return errors;
    }

    static void walk(Object node, String path, List<String> errors) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean
                || node instanceof Enum<?> || node instanceof Quantity || node instanceof IntOrString) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", errors);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), errors);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class || !m.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(value, path + "." + field, errors);
        }
    }

    /** The ScaledObject fields of KEDA 2.x's CRD that this chart may use. */
    static final class Keda {
        private static final Set<String> SPEC = Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod",
                "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback",
                "advanced", "triggers");
        private static final Set<String> TARGET = Set.of("apiVersion", "kind", "name", "envSourceContainerName");
        private static final Set<String> ADVANCED = Set.of("restoreToOriginalReplicaCount",
                "horizontalPodAutoscalerConfig", "scalingModifiers");
        private static final Set<String> HPA_CONFIG = Set.of("name", "behavior");
        private static final Set<String> TRIGGER = Set.of("type", "name", "metadata", "authenticationRef",
                "metricType", "useCachedMetrics");
        private static final Set<String> PROMETHEUS = Set.of("serverAddress", "query", "threshold",
                "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "unsafeSsl",
                "queryParameters", "timeout");
        private static final Set<String> ROOT = Set.of("apiVersion", "kind", "metadata", "spec");

        private Keda() {
        }

        static void check(String where, GenericKubernetesResource r, List<String> errors) {
            unknown(where, r.getAdditionalProperties(), ROOT, errors);
            Map<String, Object> spec = map(where + ".spec", r.getAdditionalProperties().get("spec"), errors);
            unknown(where + ".spec", spec, SPEC, errors);
            Map<String, Object> target = map(where + ".spec.scaleTargetRef", spec.get("scaleTargetRef"), errors);
            unknown(where + ".spec.scaleTargetRef", target, TARGET, errors);
            if (!(target.get("name") instanceof String)) {
                errors.add(where + ".spec.scaleTargetRef.name is required");
            }
            for (String k : List.of("pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount")) {
                if (spec.containsKey(k) && !(spec.get(k) instanceof Integer)) {
                    errors.add(where + ".spec." + k + " must be an integer");
                }
            }
            if (spec.containsKey("advanced")) {
                Map<String, Object> advanced = map(where + ".spec.advanced", spec.get("advanced"), errors);
                unknown(where + ".spec.advanced", advanced, ADVANCED, errors);
                if (advanced.containsKey("horizontalPodAutoscalerConfig")) {
                    Map<String, Object> hpa = map(where + ".spec.advanced.horizontalPodAutoscalerConfig",
                            advanced.get("horizontalPodAutoscalerConfig"), errors);
                    unknown(where + ".spec.advanced.horizontalPodAutoscalerConfig", hpa, HPA_CONFIG, errors);
                    if (hpa.containsKey("behavior")) {
                        HorizontalPodAutoscalerBehavior behavior = Chart.SERIALIZATION.convertValue(
                                hpa.get("behavior"), HorizontalPodAutoscalerBehavior.class);
                        walk(behavior, where + ".spec.advanced.horizontalPodAutoscalerConfig.behavior", errors);
                    }
                }
            }
            if (!(spec.get("triggers") instanceof List<?> triggers) || triggers.isEmpty()) {
                errors.add(where + ".spec.triggers: at least one trigger is required");
                return;
            }
            int i = 0;
            for (Object t : triggers) {
                String at = where + ".spec.triggers[" + i++ + "]";
                Map<String, Object> trigger = map(at, t, errors);
                unknown(at, trigger, TRIGGER, errors);
                Object metricType = trigger.get("metricType");
                if (metricType != null && !Set.of("AverageValue", "Value", "Utilization").contains(metricType)) {
                    errors.add(at + ".metricType: " + metricType + " is not a KEDA metric type");
                }
                Map<String, Object> metadata = map(at + ".metadata", trigger.get("metadata"), errors);
                metadata.forEach((k, v) -> {
                    if (!(v instanceof String)) {
                        errors.add(at + ".metadata." + k + ": KEDA trigger metadata values must be strings");
                    }
                });
                if ("prometheus".equals(trigger.get("type"))) {
                    unknown(at + ".metadata", metadata, PROMETHEUS, errors);
                    for (String k : List.of("serverAddress", "query", "threshold")) {
                        if (!metadata.containsKey(k)) {
                            errors.add(at + ".metadata." + k + " is required by the prometheus scaler");
                        }
                    }
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> map(String where, Object value, List<String> errors) {
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            errors.add(where + ": must be an object");
            return Map.of();
        }

        private static void unknown(String where, Map<String, Object> m, Set<String> known, List<String> errors) {
            List<String> extra = m.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
            if (!extra.isEmpty()) {
                errors.add(where + ": unknown field(s) " + extra);
            }
        }
    }
}
