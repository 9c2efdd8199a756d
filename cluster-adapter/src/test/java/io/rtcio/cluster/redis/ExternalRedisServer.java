package io.rtcio.cluster.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/** The Redis that {@code REDIS_URL} names: used as it is, never stopped, killed or restarted. */
final class ExternalRedisServer implements RedisServer {

    private final String url;
    private final RedisURI uri;

    ExternalRedisServer(String url) {
        this.url = url;
        this.uri = RedisURI.create(url);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String host() {
        return uri.getHost();
    }

    @Override
    public int port() {
        return uri.getPort();
    }

    @Override
    public long pid() {
        return Assumptions.abort("REDIS_URL names a Redis these tests do not control");
    }

    @Override
    public void kill() {
        Assumptions.abort("REDIS_URL names a Redis these tests do not control");
    }

    @Override
    public void restart() {
        Assumptions.abort("REDIS_URL names a Redis these tests do not control");
    }

    @Override
    public void stop() {
        // not ours
    }

    @Override
    public Object command(String... args) {
        RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(2));
        String[] auth = null;
        if (credentials != null && credentials.hasPassword()) {
            String password = new String(credentials.getPassword());
            auth = credentials.hasUsername() ? new String[] {credentials.getUsername(), password} : new String[] {password};
        }
        return Resp.call(host(), port(), auth, args);
    }
}
