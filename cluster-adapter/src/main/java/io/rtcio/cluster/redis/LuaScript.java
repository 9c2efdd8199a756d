package io.rtcio.cluster.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script of this package ({@code <name>.lua} beside this class), run with EVALSHA, and
 * with EVAL when the server does not know it yet (NOSCRIPT: a fresh, restarted or failed-over
 * server), which also caches it there. On Redis Cluster the script runs on the node of its first
 * key, so all its keys must share a slot. Immutable and thread-safe.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String sha1;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** Loads {@code <name>.lua} from this package's resources. */
    static LuaScript load(String name) {
        String resource = name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script resource " + resource, e);
        }
    }

    String name() {
        return name;
    }

    /** The SHA-1 digest Redis knows the script by. */
    String sha1() {
        return sha1;
    }

    /** Runs the script on {@code keys} with {@code args}; the stage fails with Lettuce's exception. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, String> redis, ScriptOutputType type,
                               String[] keys, String... args) {
        CompletionStage<T> cached = redis.evalsha(sha1, type, keys, args);
        return cached.exceptionallyCompose(error -> RedisBackendException.unwrap(error) instanceof RedisNoScriptException
                ? redis.<T>eval(source, type, keys, args)
                : CompletableFuture.failedStage(error));
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
