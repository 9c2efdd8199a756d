package io.rtcio.node.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An extra socket.io namespace ({@code NAMESPACES=/calls:rtcio,/admin:plain}).
 *
 * @param name  the namespace, e.g. {@code /calls}
 * @param rtcio whether the rtc.io relay and room protocol run on it; a plain namespace carries
 *              only the custom events of an embedding application
 */
public record NamespaceConfig(String name, boolean rtcio) {

    private static final Pattern NAME = Pattern.compile("/[A-Za-z0-9._~-]{1,63}");

    /** Parses {@code /name[:rtcio|:plain],...}; the kind defaults to {@code rtcio}. */
    static List<NamespaceConfig> parseList(String value) {
        List<NamespaceConfig> namespaces = new ArrayList<>();
        if (value == null) {
            return namespaces;
        }
        Set<String> seen = new HashSet<>();
        for (String part : value.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon).trim();
            String kind = colon < 0 ? "rtcio" : entry.substring(colon + 1).trim();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException("NAMESPACES", "'" + name + "' is not a namespace; write /name with 1-63"
                        + " letters, digits, '.', '_', '~' or '-' (the default namespace '/' is always there)");
            }
            if (!kind.equals("rtcio") && !kind.equals("plain")) {
                throw new ConfigException("NAMESPACES", "the kind of " + name + " must be 'rtcio' or 'plain', got '"
                        + kind + "'");
            }
            if (!seen.add(name)) {
                throw new ConfigException("NAMESPACES", name + " is listed twice");
            }
            namespaces.add(new NamespaceConfig(name, kind.equals("rtcio")));
        }
        return namespaces;
    }
}
