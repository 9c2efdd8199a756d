/** The only place netty-socketio is configured: server settings, the packet guard, public ids on the wire. */
package io.rtcio.node.transport;
