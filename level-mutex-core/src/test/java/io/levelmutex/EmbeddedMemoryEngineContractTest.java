package io.levelmutex;

import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.contract.AbstractStorageEngineContractTest;

/**
 * The storage-engine contract on {@link MemoryEngine#embedded()}, the in-memory engine shaped like the embedded
 * one that the cycle tests run on: stored keys carry the keyspace's prefix, no other writer (no validation),
 * RocksDB's limits (larger than the suite allocates).
 */
class EmbeddedMemoryEngineContractTest extends AbstractStorageEngineContractTest {

	private final MemoryEngine memory = MemoryEngine.embedded();

	@Override
	protected StorageEngine openEngine() {
		return this.memory;
	}

	@Override
	protected void failNextCommit() {
		this.memory.failNextCommit(new StorageException("injected commit failure", null));
	}

	@Override
	protected int largestLimitTested() {
		return 1024 * 1024;
	}

}
