/** chat-message: members only, stamped by the server with sender and time. */
package io.rtcio.node.chat;
