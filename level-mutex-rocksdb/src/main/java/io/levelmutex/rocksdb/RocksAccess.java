package io.levelmutex.rocksdb;

import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Every RocksDB call the cycle makes, in one place. Not final: tests in this package
 * override single calls to inject faults. Thread-safe (RocksDB is).
 */
class RocksAccess {

	final RocksDB db;

	RocksAccess(RocksDB db) {
		this.db = db;
	}

	Snapshot snapshot() {
		return this.db.getSnapshot();
	}

	void release(Snapshot snapshot) {
		this.db.releaseSnapshot(snapshot);
	}

	List<byte[]> multiGet(ReadOptions options, ColumnFamilyHandle family, List<byte[]> keys)
			throws RocksDBException {
		return this.db.multiGetAsList(options, Collections.nCopies(keys.size(), family), keys);
	}

	byte @Nullable [] get(ReadOptions options, ColumnFamilyHandle family, byte[] key) throws RocksDBException {
		return this.db.get(family, options, key);
	}

	RocksIterator iterator(ReadOptions options, ColumnFamilyHandle family) {
		return this.db.newIterator(family, options);
	}

	void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
		this.db.write(options, batch);
	}

}
