/** media-state (with its cache) and stopScreenShare. */
package io.rtcio.node.media;
