package io.rtcio.node.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Which build is running: the project version and the commit it was built from, read from the
 * {@code build-info.properties} resource the build writes. Either is {@code "unknown"} when the
 * build could not tell (no git checkout, say) or the resource is missing.
 *
 * @param version the project version
 * @param commit  the abbreviated commit id
 */
public record BuildInfo(String version, String commit) {

    public static final String UNKNOWN = "unknown";
    static final String RESOURCE = "/io/rtcio/node/build-info.properties";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");

    /** What the build wrote, or {@code unknown} for what it did not. */
    public static BuildInfo fromClasspath() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // no build information: both unknown
        }
        return of(properties.getProperty("version"), properties.getProperty("commit"));
    }

    /** Keeps only values that look like a version and a commit id; anything else is unknown. */
    static BuildInfo of(String version, String commit) {
        String v = version == null ? "" : version.trim();
        String c = commit == null ? "" : commit.trim();
        return new BuildInfo(VERSION.matcher(v).matches() && !v.contains("${") ? v : UNKNOWN,
                COMMIT.matcher(c).matches() ? c : UNKNOWN);
    }
}
