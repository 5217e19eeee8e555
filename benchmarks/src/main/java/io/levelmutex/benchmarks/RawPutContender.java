package io.levelmutex.benchmarks;

import org.jspecify.annotations.Nullable;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Plain RocksDB, one {@code put} (or {@code get}) call per operation from C threads and no
 * lock: RocksDB's own write grouping joins concurrent writers. Has no read-check-write.
 */
final class RawPutContender implements Contender.Blocking {

	private final RawDatabase database;

	private final RocksDB db;

	private final WriteOptions writeOptions;

	RawPutContender(Workload workload, boolean durable) throws RocksDBException {
		this.database = RawDatabase.open("raw-put", workload, durable);
		this.db = this.database.db;
		this.writeOptions = this.database.writeOptions;
	}

	@Override
	public String name() {
		return "raw put";
	}

	@Override
	public int execute(Workload.Stream stream, Tally tally) throws RocksDBException {
		stream.next();
		switch (stream.type()) {
			case PUT -> this.db.put(this.writeOptions, stream.key(), stream.value());
			case GET -> this.db.get(stream.key());
			case UPDATE -> throw new UnsupportedOperationException("raw put has no read-check-write");
		}
		tally.success();
		return 1;
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws RocksDBException {
		return this.db.get(key);
	}

	@Override
	public void close() {
		this.database.close();
	}

}
