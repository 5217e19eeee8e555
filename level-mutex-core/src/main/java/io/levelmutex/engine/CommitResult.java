package io.levelmutex.engine;

import org.jspecify.annotations.Nullable;

/**
 * What a commit applied.
 *
 * @param sequence the keyspace's sequence after the commit: the batch's own sequence when something was
 * applied, otherwise the current one
 * @param appliedOperations how many of the batch's operations were applied, from the first: all of them, or,
 * when an update was rejected, those before its first operation (possibly none: then nothing was committed)
 * @param rejectedUpdate the index in {@link EngineBatch#updates()} of the rejected update, or -1
 * @param conflictKey the key (with prefix) that made it conflict, or {@code null} (none rejected, or the
 * engine could not name one, e.g. a snapshot older than the engine keeps track of)
 */
public record CommitResult(long sequence, int appliedOperations, int rejectedUpdate, byte @Nullable [] conflictKey) {

	/**
	 * Checks the fields' consistency.
	 * @param sequence the sequence, as described above
	 * @param appliedOperations the appliedOperations, as described above
	 * @param rejectedUpdate the rejectedUpdate, as described above
	 * @param conflictKey the conflictKey, as described above
	 */
	public CommitResult {
		if (appliedOperations < 0 || rejectedUpdate < -1) {
			throw new IllegalArgumentException("appliedOperations " + appliedOperations + ", rejectedUpdate "
					+ rejectedUpdate);
		}
		if (rejectedUpdate == -1 && conflictKey != null) {
			throw new IllegalArgumentException("conflictKey without a rejected update");
		}
	}

	/**
	 * The whole batch was applied.
	 * @param sequence the batch's sequence
	 * @param operations the batch's size
	 * @return the result
	 */
	public static CommitResult applied(long sequence, int operations) {
		return new CommitResult(sequence, operations, -1, null);
	}

	/**
	 * An update was rejected: the operations before it were applied (if any), nothing after.
	 * @param sequence the sequence after the commit
	 * @param appliedOperations the operations applied, the rejected update's first operation index
	 * @param rejectedUpdate the rejected update's index in {@link EngineBatch#updates()}
	 * @param conflictKey the conflicting key, or {@code null}
	 * @return the result
	 */
	public static CommitResult rejected(long sequence, int appliedOperations, int rejectedUpdate,
			byte @Nullable [] conflictKey) {
		return new CommitResult(sequence, appliedOperations, rejectedUpdate, conflictKey);
	}

	/**
	 * Whether an update was rejected.
	 * @return {@code true} if one was
	 */
	public boolean hasRejection() {
		return this.rejectedUpdate >= 0;
	}

}
