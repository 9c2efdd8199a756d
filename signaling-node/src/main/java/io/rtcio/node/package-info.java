/** The signaling node: wiring and the process entry point. */
package io.rtcio.node;
