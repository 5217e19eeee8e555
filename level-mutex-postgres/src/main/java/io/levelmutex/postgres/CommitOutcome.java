package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.CommitResult;

/**
 * What {@link BatchCommitter} learnt of a batch: the SPI's result, and why its rejected update was rejected
 * (null when none was), which the SPI's result does not carry.
 *
 * @param result the result, as {@link io.levelmutex.engine.KeyspaceStorage#commit} returns it
 * @param reason why {@link CommitResult#rejectedUpdate()} was rejected, or null
 */
record CommitOutcome(CommitResult result, @Nullable RejectionReason reason) {

	/**
	 * Whether a transaction committed: something was applied and took a sequence.
	 * @return whether the batch took a sequence
	 */
	boolean committed() {
		return this.result.appliedOperations() > 0;
	}

}
