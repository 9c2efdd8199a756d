/** This node's connected sockets: public ids, per-socket ordering, the local room index. */
package io.rtcio.node.session;
