/** The management HTTP port: liveness, readiness, Prometheus metrics. */
package io.rtcio.node.health;
