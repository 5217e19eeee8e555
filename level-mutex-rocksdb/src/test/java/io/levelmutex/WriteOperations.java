package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * Builds the core's {@link WriteOperation}s (package-private constructor) for the engine tests of
 * {@code io.levelmutex.rocksdb}, which commit batches to a keyspace storage directly.
 */
public final class WriteOperations {

	private WriteOperations() {
	}

	/**
	 * @param type put or delete
	 * @param key the key as the mutex sees it
	 * @param storedKey the key with the keyspace's prefix
	 * @param value the value, {@code null} for a delete
	 * @return the operation
	 */
	public static WriteOperation of(WriteOperation.Type type, byte[] key, byte[] storedKey, byte @Nullable [] value) {
		return new WriteOperation(type, key, storedKey, value);
	}

	/**
	 * @param operation an operation
	 * @return its key with the keyspace's prefix
	 */
	public static byte[] storedKey(WriteOperation operation) {
		return operation.storedKey;
	}

}
