package io.levelmutex;

/**
 * Test-only access to {@link WriteOperation}'s package-private constructor, so that engine tests can build
 * {@link io.levelmutex.engine.EngineBatch}es the way the core does (keys without a prefix: the PostgreSQL
 * engine's keyspaces have none).
 */
public final class EngineTestOperations {

	private EngineTestOperations() {
	}

	public static WriteOperation put(byte[] key, byte[] value) {
		return new WriteOperation(WriteOperation.Type.PUT, key, key, value);
	}

	public static WriteOperation del(byte[] key) {
		return new WriteOperation(WriteOperation.Type.DEL, key, key, null);
	}

}
