package io.levelmutex;

import java.util.Optional;

import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.contract.AbstractStorageEngineContractTest;

/**
 * The storage-engine contract on the in-memory test engine the cycle tests run on, with small limits (so that
 * they are tested exactly at and one over) and update validation against another writer. {@link EmbeddedMemoryEngineContractTest}
 * runs it on the engine shaped like the embedded one (stored keys carry the keyspace's prefix, no other writer).
 */
class MemoryEngineContractTest extends AbstractStorageEngineContractTest {

	private final MemoryEngine memory = new MemoryEngine(true, 64, 1024);

	@Override
	protected StorageEngine openEngine() {
		return this.memory;
	}

	@Override
	protected void failNextCommit() {
		this.memory.failNextCommit(new StorageException("injected commit failure", null));
	}

	@Override
	protected Optional<KeyspaceStorage> openOtherWriter(Keyspace keyspace) {
		return Optional.of(this.memory.openAsOtherWriter(keyspace));
	}

}
