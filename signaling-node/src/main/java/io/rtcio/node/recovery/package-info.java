/**
 * Connection-state recovery across nodes: sessions kept in the shared state, held sockets whose
 * events are logged, the grace before departures, and the hand-over to whichever node the client
 * comes back to (see docs/recovery.md).
 */
package io.rtcio.node.recovery;
