package io.rtcio.cluster.redis;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How the Redis of a cluster is deployed, read from the one Redis URL a node is given.
 *
 * <ul>
 *   <li>{@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://…} (TLS) and
 *       {@code redis-socket://path}: one server ({@link Standalone}).</li>
 *   <li>{@code redis-sentinel://[[user]:password@]host[:port][,host[:port]…][/db]#masterName} and
 *       {@code rediss-sentinel://…}: the master that Sentinel names ({@link Sentinel}); Lettuce asks
 *       the sentinels again on every reconnect, so it follows failovers.</li>
 *   <li>{@code redis-cluster://[[user]:password@]host[:port][,host[:port]…][/]} and
 *       {@code rediss-cluster://…}: Redis Cluster, discovered from these seed nodes ({@link Cluster}).
 *       These two schemes are ours, not Lettuce's; Cluster has database 0 only.</li>
 * </ul>
 * The default port is 6379. Credentials are percent-decoded, never logged, and never part of an
 * error message: {@link #describe()} and every exception name hosts and the scheme only.
 */
public sealed interface RedisTopology {

    /** One server, plain or TLS or through a Unix socket. */
    record Standalone(RedisURI uri) implements RedisTopology {
        @Override
        public String describe() {
            String where = uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
            return "standalone Redis at " + where + (uri.isSsl() ? " (TLS)" : "");
        }
    }

    /** A master found through Sentinel; {@code uri} carries the sentinels and the master's name. */
    record Sentinel(RedisURI uri) implements RedisTopology {
        @Override
        public String describe() {
            String sentinels = uri.getSentinels().stream()
                    .map(s -> s.getHost() + ":" + s.getPort())
                    .collect(Collectors.joining(","));
            return "Redis Sentinel master '" + uri.getSentinelMasterId() + "' via " + sentinels;
        }
    }

    /** Redis Cluster, discovered from {@code seeds}. */
    record Cluster(List<RedisURI> seeds) implements RedisTopology {
        public Cluster {
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("a Redis Cluster URL needs at least one host");
            }
        }

        @Override
        public String describe() {
            String hosts = seeds.stream().map(s -> s.getHost() + ":" + s.getPort()).collect(Collectors.joining(","));
            return "Redis Cluster seeded by " + hosts + (seeds.get(0).isSsl() ? " (TLS)" : "");
        }
    }

    /** Where Redis is, for logs and health; never includes credentials. */
    String describe();

    /**
     * The topology named by {@code url}.
     *
     * @throws IllegalArgumentException when the scheme is not one of those above or the URL is malformed
     */
    static RedisTopology parse(String url) {
        Objects.requireNonNull(url, "url");
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("a Redis URL starts with a scheme such as redis://, got none");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "redis", "rediss", "redis-socket":
                return new Standalone(lettuceUri(url, scheme));
            case "redis-sentinel", "rediss-sentinel":
                int hash = url.lastIndexOf('#');
                if (hash < 0 || url.substring(hash + 1).isBlank()) {
                    throw new IllegalArgumentException("a " + scheme + " URL names its master after '#', e.g. #mymaster");
                }
                return new Sentinel(lettuceUri(url, scheme));
            case "redis-cluster", "rediss-cluster":
                return new Cluster(ClusterUrl.seeds(url.substring(schemeEnd + 3), scheme.startsWith("rediss")));
            default:
                throw new IllegalArgumentException("unsupported Redis URL scheme '" + scheme
                        + "'; use redis, rediss, redis-socket, redis-sentinel, rediss-sentinel, redis-cluster or rediss-cluster");
        }
    }

    private static RedisURI lettuceUri(String url, String scheme) {
        try {
            return RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            // Lettuce's message may quote the URL, credentials included: keep it out of ours.
            throw new IllegalArgumentException("malformed " + scheme + " URL");
        }
    }
}
