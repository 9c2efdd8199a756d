/** ask-ice: STUN/TURN servers with short-lived coturn REST credentials. */
package io.rtcio.node.ice;
