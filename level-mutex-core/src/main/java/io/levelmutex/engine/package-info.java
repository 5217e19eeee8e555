/**
 * The storage-engine SPI: what a {@link io.levelmutex.MutexStore} needs from the storage its mutexes run on.
 * Applications do not use these types; engine modules ({@code level-mutex-rocksdb}, the embedded RocksDB engine;
 * {@code level-mutex-postgres}) implement them, and {@link io.levelmutex.MutexStore#open(StorageEngine,
 * io.levelmutex.StoreOptions)} runs the cycle on them.
 *
 * <p>The cycle (queues, phases, ordering, events, limits, close) stays in the core; an engine only provides:
 * <ul>
 * <li>per keyspace, snapshots ({@link io.levelmutex.engine.ReadSnapshot}): multi-get, and bounded scans of a
 * key range in either direction, all on one consistent state named by a sequence;</li>
 * <li>optionally, an answer to a whole {@link io.levelmutex.engine.ReadPlan} at once (a read phase's gets and
 * scans, or a batch's prefetched update reads) on one consistent state, for engines where each read is a round
 * trip ({@link io.levelmutex.engine.KeyspaceStorage#read}, {@link io.levelmutex.engine.KeyspaceStorage#batchesUpdateReads});
 * the default uses a snapshot;</li>
 * <li>one atomic commit of a batch ({@link io.levelmutex.engine.KeyspaceStorage#commit}): all of the applied
 * prefix of the batch or nothing, validated against writes committed by other writers since each update's
 * snapshot when the engine has such writers ({@link io.levelmutex.engine.KeyspaceStorage#validatesUpdates()});</li>
 * <li>news of other writers' commits ({@link io.levelmutex.engine.RemoteChangeSink});</li>
 * <li>health, and a close that runs once no phase uses the engine.</li>
 * </ul>
 *
 * <p>An engine may state capabilities that let the core save work
 * ({@link io.levelmutex.engine.KeyspaceStorage#keepsBatchAfterCommit()}, {@link
 * io.levelmutex.engine.StorageEngine#directory()}), and runs every call that waits for a disk or a server (a
 * synced write, a round trip) through {@link io.levelmutex.engine.BlockingCalls#run}, so that the store's cycle
 * pool runs other mutexes' cycles meanwhile.
 *
 * <p>Threads: the core calls a keyspace's snapshot and commit methods from that mutex's cycle, one call at a
 * time per keyspace; different keyspaces are used from different threads at once. Failures are thrown as
 * {@link io.levelmutex.StorageException} (or its subclasses), never as a driver's exception.
 */
@NullMarked
package io.levelmutex.engine;

import org.jspecify.annotations.NullMarked;
