package io.rtcio.node.browser;

import io.rtcio.cluster.redis.RedisServer;
import io.rtcio.cluster.redis.RedisServerExtension;
import io.rtcio.node.harness.ProcessCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser check on the production shape: two node processes sharing a redis-server, one
 * headless Chromium page on each; their DataChannel opens through signaling relayed by Redis.
 */
class BrowserOnRedisIntegrationTests {

    @RegisterExtension
    static final RedisServerExtension<RedisServer> REDIS = RedisServerExtension.standalone();

    @Test
    void shouldOpenADataChannelBetweenPagesOnDifferentNodeProcesses() throws Exception {
        try (PageServer pages = new PageServer(BrowserDataChannelIntegrationTests.socketIoBundle());
             ProcessCluster nodes = ProcessCluster.start(2, Map.of("REDIS_URL", REDIS.url(),
                     "ALLOWED_ORIGINS", pages.origin()))) {
            BrowserDataChannelIntegrationTests.assertDataChannelOpens(pages, nodes.url(0), nodes.url(1));
        }
    }
}
