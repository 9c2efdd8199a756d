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

    private Chart() {
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
        TemplateCommand command = new Helm(CHART).template().withName(release).withNamespace(namespace);
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
        return annotations != null && annotations.containsKey("helm.sh/hook");
    }
}
