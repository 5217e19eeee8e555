package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A commit's outcome as the storage tests check it.
 *
 * @param sequence the sequence after the commit
 * @param committed whether it took a sequence (something was applied)
 * @param appliedOps the writes applied, from the first
 * @param rejected the rejected update, or null
 */
record Committed(long sequence, boolean committed, int appliedOps, @Nullable Rejected rejected) {

	/**
	 * A rejected update.
	 *
	 * @param unit its index
	 * @param reason why
	 * @param key the conflicting key, or null
	 */
	record Rejected(int unit, RejectionReason reason, byte @Nullable [] key) {
	}

	static Committed of(CommitOutcome outcome) {
		var result = outcome.result();
		RejectionReason reason = outcome.reason();
		return new Committed(result.sequence(), outcome.committed(), result.appliedOperations(),
				result.hasRejection() && reason != null
						? new Rejected(result.rejectedUpdate(), reason, result.conflictKey()) : null);
	}

}
