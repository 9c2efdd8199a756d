package io.rtcio.cluster.redis;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the part after {@code redis-cluster://}: {@code [[user]:password@]host[:port][,host[:port]…][/[0]]}.
 * Hosts may be IPv6 literals in brackets. Error messages never quote the URL (it may hold a password).
 */
final class ClusterUrl {

    static final int DEFAULT_PORT = RedisURI.DEFAULT_REDIS_PORT;

    private ClusterUrl() {
    }

    /** The seed URIs of {@code rest} (the URL without its scheme), each carrying the credentials. */
    static List<RedisURI> seeds(String rest, boolean tls) {
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String hostsAndPath = rest.substring(at + 1);
        int slash = hostsAndPath.indexOf('/');
        String hosts = slash >= 0 ? hostsAndPath.substring(0, slash) : hostsAndPath;
        String path = slash >= 0 ? hostsAndPath.substring(slash + 1) : "";
        if (!path.isEmpty() && !path.equals("0")) {
            throw new IllegalArgumentException("Redis Cluster has database 0 only; remove the path of the cluster URL");
        }
        if (hosts.contains("?") || hosts.contains("#")) {
            throw new IllegalArgumentException("a cluster URL takes no query or fragment");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            RedisURI.Builder seed = hostAndPort(host.trim()).withSsl(tls);
            if (userInfo != null) {
                withCredentials(seed, userInfo);
            }
            seeds.add(seed.build());
        }
        return seeds;
    }

    private static RedisURI.Builder hostAndPort(String hostPort) {
        if (hostPort.isEmpty()) {
            throw new IllegalArgumentException("empty host in cluster URL");
        }
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed IPv6 literal in cluster URL");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("unexpected text after an IPv6 literal in cluster URL");
            }
            port = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = hostPort.indexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in cluster URL");
        }
        return RedisURI.builder().withHost(host).withPort(port == null ? DEFAULT_PORT : parsePort(port));
    }

    private static int parsePort(String port) {
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port '" + port + "' in cluster URL");
        }
    }

    /** {@code password}, {@code :password} or {@code user:password}, percent-encoded. */
    private static void withCredentials(RedisURI.Builder seed, String userInfo) {
        int colon = userInfo.indexOf(':');
        String user = colon > 0 ? decode(userInfo.substring(0, colon)) : null;
        String password = decode(colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
        if (user != null) {
            seed.withAuthentication(user, password);
        } else if (!password.isEmpty()) {
            seed.withPassword(password.toCharArray());
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
