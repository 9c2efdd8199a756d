/** Node meters, declared in one place, with bounded tag values only. */
package io.rtcio.node.metrics;
