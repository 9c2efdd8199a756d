/** Keeping the shared state true: heartbeats, reaping dead nodes, re-publishing what this node owns. */
package io.rtcio.node.cluster;
