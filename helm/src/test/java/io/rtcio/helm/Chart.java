package io.rtcio.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The chart under test, rendered through the embedded Helm library. */
final class Chart {

    static final Path MODULE = locateModule();
    static final Path CHART = MODULE.resolve("rtcio-cluster");
    static final Path VALUES = MODULE.resolve("src/test/resources/values");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** The cluster version templates are rendered for (the chart needs 1.27 or later). */
    static final String KUBE_VERSION = "1.30.0";

    private Chart() {
    }

    /**
     * Helm leaves hooks (the {@code helm test} pod) out of a rendered manifest. To validate them too, the
     * chart is copied once with each hook annotation renamed to {@link #HOOK_MARK}.
     */
    static final String HOOK_MARK = "test.rtcio.io/helm-hook";
    private static final Lazy HOOKS_VISIBLE = new Lazy();

    private static final class Lazy {
        private Path copy;

        synchronized Path get() {
            if (copy == null) {
                try {
                    Path dir = Files.createTempDirectory("rtcio-chart");
                    Path target = dir.resolve(CHART.getFileName().toString());
                    try (var files = Files.walk(CHART)) {
                        for (Path p : (Iterable<Path>) files::iterator) {
                            Path to = target.resolve(CHART.relativize(p).toString());
                            if (Files.isDirectory(p)) {
                                Files.createDirectories(to);
                            } else {
                                String text = Files.readString(p);
                                Files.writeString(to, text.replace("helm.sh/hook:", HOOK_MARK + ":"));
                            }
                        }
                    }
                    copy = target;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return copy;
        }
    }

    private static Path locateModule() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("rtcio-cluster"))) {
            return here;
        }
        return here.resolve("helm");
    }

    /** Renders the chart as release {@code release} in {@code namespace} with a values file and extra --set pairs. */
    static String render(String release, String namespace, Path valuesFile, Map<String, ?> sets) {
        TemplateCommand command = new Helm(HOOKS_VISIBLE.get()).template().withName(release).withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            command = command.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, ?> e : sets.entrySet()) {
            command = command.set(e.getKey(), e.getValue());
        }
        return command.call();
    }

    static String render(String valuesName, Map<String, ?> sets) {
        return render("rel", "ns1", VALUES.resolve(valuesName + ".yaml"), sets);
    }

    /** Parses a multi-document YAML stream into typed objects (unknown kinds stay generic). */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<HasMetadata> out = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            for (Object o : list) {
                if (o != null) {
                    out.add((HasMetadata) o);
                }
            }
        } else if (parsed != null) {
            out.add((HasMetadata) parsed);
        }
        return out;
    }

    static boolean isHook(HasMetadata o) {
        Map<String, String> annotations = o.getMetadata().getAnnotations();
        return annotations != null && (annotations.containsKey("helm.sh/hook") || annotations.containsKey(HOOK_MARK));
    }
}
