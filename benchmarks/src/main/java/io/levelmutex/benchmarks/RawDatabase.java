package io.levelmutex.benchmarks;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * A plain RocksDB in a fresh data directory, with its options, for the raw contenders;
 * closing it closes the database and deletes the directory. Thread-safe as RocksDB is.
 */
final class RawDatabase implements AutoCloseable {

	private final DataDirectory directory;

	private final Options options;

	final RocksDB db;

	final WriteOptions writeOptions;

	private RawDatabase(DataDirectory directory, Options options, RocksDB db, WriteOptions writeOptions) {
		this.directory = directory;
		this.options = options;
		this.db = db;
		this.writeOptions = writeOptions;
	}

	/**
	 * Opens a database for a contender, preloaded with the workload's keys unless the
	 * workload only writes.
	 * @param name the data directory's name prefix
	 * @param workload the workload the contender runs
	 * @param durable whether {@link #writeOptions} fsync
	 * @return the open database
	 * @throws RocksDBException if RocksDB cannot open or preload it
	 */
	static RawDatabase open(String name, Workload workload, boolean durable) throws RocksDBException {
		DataDirectory directory = DataDirectory.create(name);
		Options options = RawRocks.options();
		RocksDB db = RawRocks.open(options, directory);
		RawDatabase database = new RawDatabase(directory, options, db, RawRocks.writeOptions(durable));
		if (workload.kind() != Workload.Kind.BLIND_WRITE) {
			RawRocks.preload(db, workload);
		}
		return database;
	}

	@Override
	public void close() {
		this.db.close();
		this.writeOptions.close();
		this.options.close();
		this.directory.close();
	}

}
