package io.rtcio.helm;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs helm/image/smoke.sh on the Jib tarball: the image starts as UID 10001 on a read-only root
 * filesystem with /tmp as a volume and answers /ready and an Engine.IO handshake, and its name and
 * version label are the ones the chart deploys by default. The tarball is the one signaling-node's
 * profile image-smoke builds wherever umoci is installed (on a base packed from this machine's Debian
 * JRE); -Dimage.tar= names another. Skipped, with the reason, when there is no image or runc, umoci or
 * root is missing.
 */
class ImageSmokeIntegrationTests {

    @Test
    void imageStartsNonRootOnAReadOnlyRootAndAnswersReady() throws Exception {
        Path image = Path.of(System.getProperty("image.tar",
                Chart.MODULE.getParent().resolve("signaling-node/target/image-smoke/jib-image.tar").toString()));
        skipUnless(Files.isRegularFile(image), "no image at " + image + ": signaling-node's profile image-smoke "
                + "builds it during `mvn verify` where umoci is installed (apt-get install umoci runc) and "
                + "-Dimage.smoke.skip is not given; or pass -Dimage.tar=");
        Process p = new ProcessBuilder("bash", Chart.MODULE.resolve("image/smoke.sh").toString(), image.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        skipUnless(p.exitValue() != 77, out.strip());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ready: 200", "uid=10001", "root filesystem: read-only", "PASS");

        // The image is what the chart runs by default: same name and tag, and its version label is the
        // chart's appVersion (which ChartUnitTests holds to the Maven version).
        String appVersion = ChartUnitTests.appVersion();
        String deployed = ChartUnitTests.one(Chart.parse(Chart.render("defaults", Map.of())), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (System.getProperty("image.tar") == null) {
            assertThat(out).as(out).contains("image name: " + deployed + "\n");
        }
        assertThat(out).as(out).contains("image: version " + appVersion + " ");
    }

    /** Skips the test, printing why on the build's console (a skipped test's reason is otherwise only in its report). */
    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("ImageSmokeIntegrationTests skipped: " + reason);
        }
        assumeTrue(condition, reason);
    }
}
