package io.rtcio.node.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One headless Chromium (Debian's {@code chromium}) showing one page, in its own throw-away
 * profile, ended by its own process handle. Flags keep it off every network but loopback.
 */
final class BrowserPage implements AutoCloseable {

    private final Process process;
    private final Path profile;

    private BrowserPage(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("no Chromium found: install Debian's chromium (apt-get install -y chromium)");
    }

    static BrowserPage open(String url) {
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ProcessBuilder builder = new ProcessBuilder(chromium().toString(),
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-default-apps", "--disable-extensions", "--mute-audio",
                    "--disable-features=WebRtcHideLocalIpsWithMdns",
                    "--user-data-dir=" + profile, url);
            builder.redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile());
            return new BrowserPage(builder.start(), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser's own log, for failure messages. */
    String log() {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "<no log: " + e + ">";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
