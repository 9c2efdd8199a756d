/** Extension points for embedding the node: custom events, event taps, and what the builder collects. */
package io.rtcio.node.extension;
