/**
 * The benchmark suite: closed-loop concurrency sweeps of the mutex against raw RocksDB,
 * RocksDB's optimistic transactions and a read-write lock, the report (markdown table and PNG
 * charts) and the memory probes. {@link io.levelmutex.benchmarks.BenchmarkMain} is the entry
 * point.
 */
@NullMarked
package io.levelmutex.benchmarks;

import org.jspecify.annotations.NullMarked;
