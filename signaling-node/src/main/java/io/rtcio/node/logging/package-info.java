/** Logging helpers: rate-limited warnings. */
package io.rtcio.node.logging;
