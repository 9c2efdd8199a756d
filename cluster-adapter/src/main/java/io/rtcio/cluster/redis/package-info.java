/** The Redis backend: Lettuce connections, one key namespace ({@link io.rtcio.cluster.redis.RedisKeys}), Lua scripts for atomic steps. */
package io.rtcio.cluster.redis;
