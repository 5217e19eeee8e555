/**
 * level-mutex: a read/write phase mutex over a storage engine, ported from the node.js library
 * {@code level-mutex}.
 *
 * <p>Start with {@link io.levelmutex.MutexStore}, opened by an engine module
 * ({@code RocksStore.builder(path).open()} of {@code level-mutex-rocksdb} for an embedded RocksDB
 * directory, {@code PostgresStore.builder(dataSource).open()} of {@code level-mutex-postgres}, or any
 * {@link io.levelmutex.engine.StorageEngine storage engine}), which hands out
 * {@link io.levelmutex.Mutex mutexes}. Each mutex owns a {@link io.levelmutex.Keyspace}
 * and cycles between a read phase (every queued read runs on one snapshot, results are
 * delivered in issue order) and a write phase (every queued write is applied as one atomic
 * batch, then completed in issue order). A write issued while a read result is
 * being delivered joins the very next batch; {@link io.levelmutex.Mutex#update} packages that
 * read-check-write pattern as one call with conflict detection.
 */
/*
 * Names inside the package (not published): one name per concept across API, cycle, SPI and engines. The queued
 * entries pair as QueuedRead (GetRead, RangeRead) and QueuedWrite (PlainWrite, UpdateWrite, WriteBarrier), because
 * "queued" is what they are and "write operation" stays the put or delete of a batch (WriteOperation); below the
 * typed KeyRange every byte range is an io.levelmutex.engine.KeySpan (the cycle's encoded ranges, ReadPlan.Scan,
 * UpdateFootprint, every engine).
 */
@NullMarked
package io.levelmutex;

import org.jspecify.annotations.NullMarked;
