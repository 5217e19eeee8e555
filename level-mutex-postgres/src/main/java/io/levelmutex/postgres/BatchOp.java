package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * One write of a batch: a put, or a delete ({@code value == null}).
 *
 * @param key the key, 1 to {@link PostgresSettings#MAX_KEY_BYTES} bytes
 * @param value the value, or null to delete
 */
record BatchOp(byte[] key, byte @Nullable [] value) {

	static BatchOp put(byte[] key, byte[] value) {
		return new BatchOp(key, value);
	}

	static BatchOp del(byte[] key) {
		return new BatchOp(key, null);
	}

}
