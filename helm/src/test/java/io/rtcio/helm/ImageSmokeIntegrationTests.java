package io.rtcio.helm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs helm/image/smoke.sh on the Jib tarball: the image starts as UID 10001 on a read-only root
 * filesystem with /tmp as a volume and answers /ready and an Engine.IO handshake. Skipped, with the
 * reason, when no image was built or runc/umoci are missing.
 */
class ImageSmokeIntegrationTests {

    @Test
    void imageStartsNonRootOnAReadOnlyRootAndAnswersReady() throws Exception {
        Path image = Path.of(System.getProperty("image.tar",
                Chart.MODULE.getParent().resolve("signaling-node/target/jib-image.tar").toString()));
        assumeTrue(Files.isRegularFile(image), "no image at " + image + ": build it with "
                + "`mvn -pl signaling-node -am -Pjib package jib:buildTar -Djib.from=tar:///abs/base.tar` "
                + "(helm/image/make-base.py packs a Debian root filesystem as base.tar), or pass -Dimage.tar=");
        Process p = new ProcessBuilder("bash", Chart.MODULE.resolve("image/smoke.sh").toString(), image.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() != 77, out.strip());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ready: 200", "uid=10001", "root filesystem: read-only", "PASS");
    }
}
