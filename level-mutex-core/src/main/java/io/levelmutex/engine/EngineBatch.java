package io.levelmutex.engine;

import java.util.List;

import io.levelmutex.WriteOperation;

/**
 * One batch to commit: its operations in issue order (the last operation on a key wins) with their keys as
 * stored (prefix included), and, for engines that validate updates, the footprints of the updates whose
 * operations it carries, in batch order. Immutable views; the arrays are shared: do not modify them.
 *
 * @param number the batch's number in its mutex (from 1)
 * @param operations the operations, in order
 * @param storedKeys the operations' keys with the keyspace's prefix, index for index
 * @param updates the updates' footprints, ordered by first operation; empty unless
 * {@link KeyspaceStorage#validatesUpdates()}
 */
public record EngineBatch(long number, List<WriteOperation> operations, List<byte[]> storedKeys,
		List<UpdateFootprint> updates) {

	/**
	 * Checks that keys and operations match.
	 * @param number the number, as described above
	 * @param operations the operations, as described above
	 * @param storedKeys the storedKeys, as described above
	 * @param updates the updates, as described above
	 */
	public EngineBatch {
		if (operations.size() != storedKeys.size()) {
			throw new IllegalArgumentException(
					operations.size() + " operations but " + storedKeys.size() + " stored keys");
		}
	}

	/**
	 * The number of operations.
	 * @return the batch's size
	 */
	public int size() {
		return this.operations.size();
	}

}
