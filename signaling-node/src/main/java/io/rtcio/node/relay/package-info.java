/** Delivery to a socket or a room, wherever in the cluster it lives, and the #rtcio:message relay. */
package io.rtcio.node.relay;
