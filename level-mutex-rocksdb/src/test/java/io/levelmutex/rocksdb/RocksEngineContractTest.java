package io.levelmutex.rocksdb;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.contract.AbstractStorageEngineContractTest;

/**
 * The storage-engine contract on the embedded RocksDB engine, in a fresh directory per test. Its keyspaces are
 * prefixes of shared column families (a whole family holds its narrower keyspaces), its sequences count the
 * batches since a keyspace was opened, it has no other writer (no validation), and its limits (RocksDB's 2 GiB
 * slices) are larger than the suite allocates. A commit fails through a RocksDB write error.
 */
class RocksEngineContractTest extends AbstractStorageEngineContractTest {

	private final Path directory = TempStore.newDirectory();

	/** Whether the next RocksDB write throws; set and read by the JUnit thread (commits run on it). */
	private final AtomicBoolean failWrite = new AtomicBoolean();

	@Override
	protected StorageEngine openEngine() {
		return new RocksEngine(RocksStore.builder(this.directory).access((db) -> new RocksAccess(db) {
			@Override
			void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
				if (RocksEngineContractTest.this.failWrite.getAndSet(false)) {
					throw new RocksDBException("injected write failure");
				}
				super.write(options, batch);
			}
		}));
	}

	@Override
	protected void failNextCommit() {
		this.failWrite.set(true);
	}

	@Override
	protected boolean keyspacesContainNarrowerKeyspaces() {
		return true;
	}

	@Override
	protected boolean sequencesSurviveReopen() {
		return false;
	}

	@Override
	protected int largestLimitTested() {
		return 1024 * 1024;
	}

	@Override
	protected void engineClosed() {
		TempStore.deleteRecursively(this.directory);
	}

}
