package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * One write of a batch: a put, or a delete ({@code value == null}), optionally tagged with the update unit it
 * belongs to (left out with the unit if the unit is rejected).
 *
 * @param key the key, 1 to {@link PostgresSettings#MAX_KEY_BYTES} bytes
 * @param value the value, or null to delete
 * @param unit the id of the unit the write belongs to, or {@link #UNTAGGED} for a plain write
 */
record BatchOp(byte[] key, byte @Nullable [] value, int unit) {

	static final int UNTAGGED = -1;

	static BatchOp put(byte[] key, byte[] value) {
		return new BatchOp(key, value, UNTAGGED);
	}

	static BatchOp del(byte[] key) {
		return new BatchOp(key, null, UNTAGGED);
	}

	BatchOp inUnit(int id) {
		return new BatchOp(this.key, this.value, id);
	}

}
