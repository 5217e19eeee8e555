package io.levelmutex.reliability.support;

import java.nio.file.Path;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;
import io.levelmutex.rocksdb.RocksStore;

/**
 * The one place where the suites open stores and ask for mutexes, so that they all use the
 * public API the same way.
 */
public final class TestStores {

	private TestStores() {
	}

	/**
	 * Opens (creating if missing) a store.
	 * @param dir the RocksDB directory
	 * @param durable whether batches are fsync'd
	 * @return the open store
	 */
	public static MutexStore open(Path dir, boolean durable) {
		return RocksStore.builder(dir).storeOptions(StoreOptions.builder().durable(durable).build()).open();
	}

	/**
	 * A mutex with UTF-8 keys and values.
	 * @param store the store
	 * @param options the mutex's options
	 * @return the mutex
	 */
	public static Mutex<String, String> strings(MutexStore store, MutexOptions options) {
		return store.mutex(options, Codecs.utf8(), Codecs.utf8());
	}

	/**
	 * A mutex with UTF-8 keys and values and default options.
	 * @param store the store
	 * @param name the mutex's name
	 * @return the mutex
	 */
	public static Mutex<String, String> strings(MutexStore store, String name) {
		return strings(store, MutexOptions.builder(name).build());
	}

	/**
	 * A mutex with raw byte keys and values.
	 * @param store the store
	 * @param options the mutex's options
	 * @return the mutex
	 */
	public static Mutex<byte[], byte[]> bytes(MutexStore store, MutexOptions options) {
		return store.mutex(options, Codecs.bytes(), Codecs.bytes());
	}

}
