/** The wire contract: event names, error codes, payload validation. */
package io.rtcio.node.protocol;
