package io.levelmutex.rocksdb;

import java.nio.file.Path;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/**
 * The engine's fault seam ({@link RocksAccess}) for tests outside this package: the tests in {@code io.levelmutex}
 * that need both a RocksDB fault and the core's package-private test hooks.
 */
public final class RocksFaults {

	private RocksFaults() {
	}

	/**
	 * Opens a store whose every RocksDB write runs through {@code hook} first.
	 * @param path the directory
	 * @param options the store options
	 * @param hook runs before each write, on the writing thread; may block or throw
	 * @return the open store
	 */
	public static MutexStore openWithWriteHook(Path path, StoreOptions options, WriteHook hook) {
		return openWithWriteHook(path, options, hook, true);
	}

	/**
	 * Opens a store whose every RocksDB write runs through {@code hook} first.
	 * @param path the directory
	 * @param options the store options
	 * @param hook runs before each write, on the writing thread; may block or throw
	 * @param groupCommit whether durable batches go through the store's committer
	 * @return the open store
	 */
	public static MutexStore openWithWriteHook(Path path, StoreOptions options, WriteHook hook, boolean groupCommit) {
		return RocksStore.builder(path).storeOptions(options).groupCommit(groupCommit).access((db) -> new RocksAccess(db) {
			@Override
			void write(WriteOptions writeOptions, WriteBatch batch) throws RocksDBException {
				hook.beforeWrite(batch);
				super.write(writeOptions, batch);
			}
		}).open();
	}

	/** Runs before a RocksDB write. */
	@FunctionalInterface
	public interface WriteHook {

		/**
		 * @param batch the batch about to be written
		 * @throws RocksDBException to fail the write
		 */
		void beforeWrite(WriteBatch batch) throws RocksDBException;

	}

}
