/** Typed node configuration, read from the environment and validated at start-up. */
package io.rtcio.node.config;
