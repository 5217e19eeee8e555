package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * Test-only access to {@link WriteOperation}'s package-private constructor, so that engine tests can build
 * {@link io.levelmutex.engine.EngineBatch}es the way the core does. Published in level-mutex-core's test-jar
 * with the engine contract suite ({@code io.levelmutex.engine.contract}).
 */
public final class EngineTestOperations {

	private EngineTestOperations() {
	}

	/**
	 * A put whose stored key is its key (a keyspace without prefix, as on the PostgreSQL engine).
	 * @param key the key
	 * @param value the value
	 * @return the operation
	 */
	public static WriteOperation put(byte[] key, byte[] value) {
		return new WriteOperation(WriteOperation.Type.PUT, key, key, value);
	}

	/**
	 * A delete whose stored key is its key.
	 * @param key the key
	 * @return the operation
	 */
	public static WriteOperation del(byte[] key) {
		return new WriteOperation(WriteOperation.Type.DEL, key, key, null);
	}

	/**
	 * A put or, with a {@code null} value, a delete of a key stored as {@code storedKey} (the keyspace's prefix,
	 * then the key).
	 * @param key the key, relative to the keyspace
	 * @param storedKey the key with the keyspace's prefix
	 * @param value the value, or {@code null} for a delete
	 * @return the operation
	 */
	public static WriteOperation write(byte[] key, byte[] storedKey, byte @Nullable [] value) {
		return new WriteOperation((value != null) ? WriteOperation.Type.PUT : WriteOperation.Type.DEL, key,
				storedKey, value);
	}

}
