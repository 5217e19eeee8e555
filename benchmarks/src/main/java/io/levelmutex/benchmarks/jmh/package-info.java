/**
 * JMH microbenchmarks of single operations at one client: a raw RocksDB put and get, the
 * mutex's put and get waited for by the caller, and a bare thread hand-off, so that the
 * mutex's per-operation cost can be split into RocksDB's work, hand-off and its own overhead.
 */
@NullMarked
package io.levelmutex.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
