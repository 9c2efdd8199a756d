package io.rtcio.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the topology from REDIS_URL: every scheme, credentials, and refusals that never leak a password. */
class RedisTopologyUnitTests {

    @Test
    void shouldReadAStandaloneServer() {
        RedisTopology topology = RedisTopology.parse("redis://:s3cret@cache.internal:6380/2");

        assertThat(topology).isInstanceOf(RedisTopology.Standalone.class);
        RedisURI uri = ((RedisTopology.Standalone) topology).uri();
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.isSsl()).isFalse();
        assertThat(topology.describe()).isEqualTo("standalone Redis at cache.internal:6380").doesNotContain("s3cret");
    }

    @Test
    void shouldReadATlsServerWithTheDefaultPort() {
        RedisTopology topology = RedisTopology.parse("rediss://cache.internal");

        RedisURI uri = ((RedisTopology.Standalone) topology).uri();
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getPort()).isEqualTo(6379);
        assertThat(topology.describe()).isEqualTo("standalone Redis at cache.internal:6379 (TLS)");
    }

    @Test
    void shouldReadSentinelsAndTheMasterName() {
        RedisTopology topology = RedisTopology.parse("redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2:26380/0#mymaster");

        assertThat(topology).isInstanceOf(RedisTopology.Sentinel.class);
        RedisURI uri = ((RedisTopology.Sentinel) topology).uri();
        assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
        assertThat(topology.describe()).isEqualTo("Redis Sentinel master 'mymaster' via 10.0.0.1:26379,10.0.0.2:26380");
    }

    @Test
    void shouldRefuseASentinelUrlWithoutAMasterName() {
        assertThatThrownBy(() -> RedisTopology.parse("redis-sentinel://10.0.0.1:26379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#mymaster");
    }

    @Test
    void shouldReadClusterSeedsWithDefaultPortsAndIpv6() {
        RedisTopology topology = RedisTopology.parse("redis-cluster://10.0.0.1:7000,10.0.0.2,[::1]:7002/");

        assertThat(topology).isInstanceOf(RedisTopology.Cluster.class);
        List<RedisURI> seeds = ((RedisTopology.Cluster) topology).seeds();
        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2", "::1");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 6379, 7002);
        assertThat(seeds).noneMatch(RedisURI::isSsl);
        assertThat(topology.describe()).isEqualTo("Redis Cluster seeded by 10.0.0.1:7000,10.0.0.2:6379,::1:7002");
    }

    @Test
    void shouldReadTlsClusterSeedsWithPercentEncodedCredentials() {
        RedisTopology topology = RedisTopology.parse("rediss-cluster://app:p%40ss+word@h1:7000,h2:7001");

        List<RedisURI> seeds = ((RedisTopology.Cluster) topology).seeds();
        assertThat(seeds).allMatch(RedisURI::isSsl);
        var credentials = seeds.get(1).getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1));
        assertThat(credentials.getUsername()).isEqualTo("app");
        assertThat(new String(credentials.getPassword())).isEqualTo("p@ss+word");
        assertThat(topology.describe()).doesNotContain("p@ss").endsWith("(TLS)");
    }

    @Test
    void shouldRefuseClusterUrlsItCannotUse() {
        assertThatThrownBy(() -> RedisTopology.parse("redis-cluster://h1:7000/3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database 0");
        assertThatThrownBy(() -> RedisTopology.parse("redis-cluster://h1:7000,,h2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty host");
        assertThatThrownBy(() -> RedisTopology.parse("redis-cluster://:secret@h1:notaport"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid port")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisTopology.parse("redis-cluster://h1:7000?timeout=1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no query");
    }

    @Test
    void shouldRefuseUnknownSchemesAndMalformedUrlsWithoutQuotingThem() {
        assertThatThrownBy(() -> RedisTopology.parse("memcached://:secret@h1:11211"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memcached")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisTopology.parse("h1:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
        assertThatThrownBy(() -> RedisTopology.parse("redis://:secret@"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    }

    @Test
    void shouldRefuseABadUrlBeforeConnectingAnywhere() {
        ClusterConfig config = new ClusterConfig("n1", "memcached://h1", "rtcio", Duration.ofSeconds(2), Duration.ofSeconds(6));

        assertThatThrownBy(() -> ClusterBackend.create(config)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAKeyPrefixThatBreaksHashTags() {
        ClusterConfig config = new ClusterConfig("n1", "redis://h1", "app{1}", Duration.ofSeconds(2), Duration.ofSeconds(6));

        assertThatThrownBy(() -> ClusterBackend.create(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
    }
}
