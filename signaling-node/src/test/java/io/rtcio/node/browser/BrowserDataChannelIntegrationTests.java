package io.rtcio.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtcio.node.harness.NodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two headless Chromium pages, each connected to a different node, run a minimal rtc.io-protocol
 * client (socket.io-client + RTCPeerConnection): join, init-offer → offer → answer → candidates
 * over #rtcio:message, then a DataChannel carries a message each way.
 */
class BrowserDataChannelIntegrationTests {

    static Path socketIoBundle() {
        for (Path candidate : List.of(Path.of("src/test/node"), Path.of("signaling-node/src/test/node"))) {
            Path bundle = candidate.resolve("node_modules/socket.io-client/dist/socket.io.min.js");
            if (Files.isRegularFile(bundle)) {
                return bundle;
            }
        }
        throw new AssertionError("socket.io-client bundle missing: run `npm ci` in signaling-node/src/test/node");
    }

    @Test
    void shouldOpenADataChannelBetweenPagesOnDifferentNodes() throws Exception {
        try (PageServer pages = new PageServer(socketIoBundle());
             NodeCluster nodes = NodeCluster.start(2, Map.of("ALLOWED_ORIGINS", pages.origin()))) {
            assertDataChannelOpens(pages, nodes.url(0), nodes.url(1));
        }
    }

    /** Shared with the Redis-backed variant: one page per signaling URL, a message each way. */
    static void assertDataChannelOpens(PageServer pages, String firstNode, String secondNode) throws Exception {
        String room = "browser-" + UUID.randomUUID();
        List<BrowserPage> browsers = new ArrayList<>();
        try {
            browsers.add(BrowserPage.open(pages.origin() + "/peer.html?name=ann&room=" + room + "&signal=" + firstNode));
            awaitStep(pages, browsers, "ann", "joined");
            browsers.add(BrowserPage.open(pages.origin() + "/peer.html?name=ben&room=" + room + "&signal=" + secondNode));
            List<Map<String, Object>> messages = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (messages.size() < 2) {
                Map<String, Object> report = pages.reports().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (report == null) {
                    throw new AssertionError("no DataChannel messages in time; got " + messages + "; browser logs: "
                            + browsers.stream().map(BrowserPage::log).toList());
                }
                assertThat(report.get("step")).as("page report %s", report).isNotEqualTo("error");
                if ("message".equals(report.get("step"))) {
                    messages.add(report);
                }
            }
            assertThat(messages).anySatisfy(m -> assertThat(m).containsEntry("name", "ben")
                    .containsEntry("data", "hello from ann"));
            assertThat(messages).anySatisfy(m -> assertThat(m).containsEntry("name", "ann")
                    .containsEntry("data", "echo: hello from ann"));
        } finally {
            browsers.forEach(BrowserPage::close);
        }
    }

    private static void awaitStep(PageServer pages, List<BrowserPage> browsers, String name, String step)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Map<String, Object> report = pages.reports().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (report == null) {
                throw new AssertionError(name + " did not reach " + step + "; browser logs: "
                        + browsers.stream().map(BrowserPage::log).toList());
            }
            assertThat(report.get("step")).as("page report %s", report).isNotEqualTo("error");
            if (name.equals(report.get("name")) && step.equals(report.get("step"))) {
                return;
            }
        }
    }
}
