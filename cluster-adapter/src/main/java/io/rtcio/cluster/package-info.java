/**
 * The cluster SPI: node-to-node messaging, cluster-wide rooms, presence and the media-state cache.
 * Knows nothing of socket.io. {@link io.rtcio.cluster.ClusterBackend#create} picks the backend.
 */
package io.rtcio.cluster;
