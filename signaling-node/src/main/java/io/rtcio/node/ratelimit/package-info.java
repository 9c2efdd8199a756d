/** Per-socket event rate limits: a token bucket per Engine.IO session, and flood detection. */
package io.rtcio.node.ratelimit;
