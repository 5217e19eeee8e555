package io.levelmutex.engine;

import java.util.List;

/**
 * What one update of a batch depended on, for engines that validate updates against other writers
 * ({@link KeyspaceStorage#validatesUpdates()}). The update is valid if no batch committed after
 * {@code snapshotSequence} wrote (put or deleted) one of its read keys, a key in one of its spans, or one
 * of its own written keys (the keys of operations {@code firstOperation} to
 * {@code firstOperation + operationCount - 1} of the batch). Every committed batch counts, whoever wrote it: another
 * node's, and also an earlier batch of the same mutex committed after the snapshot (the engine cannot tell them
 * apart; the core then retries the update on fresh state). Writes of the same batch are not conflicts: the
 * update saw those placed before it.
 *
 * @param firstOperation the index in the batch of the update's first operation (where it would start even if
 * it writes nothing)
 * @param operationCount how many operations the update wrote, possibly 0
 * @param snapshotSequence the sequence of the snapshot the update read
 * @param readKeys the keys it read, with the keyspace's prefix
 * @param spans the spans it examined
 */
public record UpdateFootprint(int firstOperation, int operationCount, long snapshotSequence, List<byte[]> readKeys,
		List<KeySpan> spans) {

	/**
	 * Validates the bounds and copies the lists.
	 * @param firstOperation the firstOperation, as described above
	 * @param operationCount the operationCount, as described above
	 * @param snapshotSequence the snapshotSequence, as described above
	 * @param readKeys the readKeys, as described above
	 * @param spans the spans, as described above
	 */
	public UpdateFootprint {
		if (firstOperation < 0 || operationCount < 0) {
			throw new IllegalArgumentException(
					"firstOperation and operationCount must not be negative: " + firstOperation + ", " + operationCount);
		}
		readKeys = List.copyOf(readKeys);
		spans = List.copyOf(spans);
	}

}
