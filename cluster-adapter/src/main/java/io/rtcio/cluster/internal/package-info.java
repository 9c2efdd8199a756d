/** Pieces the cluster backends share; not part of the SPI. */
package io.rtcio.cluster.internal;
