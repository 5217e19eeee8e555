/**
 * level-mutex: a read/write phase mutex over an embedded RocksDB store, ported from the
 * node.js library {@code level-mutex}.
 *
 * <p>Start with {@link io.levelmutex.MutexStore}, which opens a RocksDB directory (or runs on
 * another {@link io.levelmutex.engine.StorageEngine storage engine}) and hands out
 * {@link io.levelmutex.Mutex mutexes}. Each mutex owns a {@link io.levelmutex.Keyspace}
 * and cycles between a read phase (every queued read runs on one snapshot, results are
 * delivered in issue order) and a write phase (every queued write is applied as one atomic
 * {@code WriteBatch}, then completed in issue order). A write issued while a read result is
 * being delivered joins the very next batch; {@link io.levelmutex.Mutex#update} packages that
 * read-check-write pattern as one call with conflict detection.
 */
@NullMarked
package io.levelmutex;

import org.jspecify.annotations.NullMarked;
