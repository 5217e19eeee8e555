/**
 * The embedded storage engine of level-mutex: {@link io.levelmutex.rocksdb.RocksStore} opens a
 * {@link io.levelmutex.MutexStore} on a local RocksDB directory.
 */
@NullMarked
package io.levelmutex.rocksdb;

import org.jspecify.annotations.NullMarked;
