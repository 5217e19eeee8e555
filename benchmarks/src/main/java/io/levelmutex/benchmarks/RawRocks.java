package io.levelmutex.benchmarks;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Opening and preloading a plain RocksDB for the raw contenders, with RocksDB's default
 * options (the mutex's store is left at its defaults too).
 */
final class RawRocks {

	private static final int PRELOAD_BATCH = 1000;

	static {
		RocksDB.loadLibrary();
	}

	private RawRocks() {
	}

	static Options options() {
		return new Options().setCreateIfMissing(true);
	}

	static WriteOptions writeOptions(boolean durable) {
		return new WriteOptions().setSync(durable);
	}

	static RocksDB open(Options options, DataDirectory directory) throws RocksDBException {
		return RocksDB.open(options, directory.path().toString());
	}

	/**
	 * Writes every key of the workload with its initial value, in non-durable batches.
	 * @param db the database
	 * @param workload the workload whose keys to write
	 * @throws RocksDBException if a write fails
	 */
	static void preload(RocksDB db, Workload workload) throws RocksDBException {
		try (WriteOptions options = writeOptions(false); WriteBatch batch = new WriteBatch()) {
			for (int i = 0; i < workload.keyCount(); i++) {
				batch.put(workload.keyAt(i), workload.initialValue(i));
				if (batch.count() == PRELOAD_BATCH) {
					db.write(options, batch);
					batch.clear();
				}
			}
			db.write(options, batch);
		}
	}

}
