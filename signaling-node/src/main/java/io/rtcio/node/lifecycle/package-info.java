/** How a node stops: the readiness delay and the drain of its sockets before it exits. */
package io.rtcio.node.lifecycle;
