/** The in-memory backend: a working multi-node cluster in one JVM, nodes sharing an {@link io.rtcio.cluster.memory.InMemoryHub}. */
package io.rtcio.cluster.memory;
