package io.levelmutex;

import java.io.Serial;

/**
 * The connection to a storage server was lost while a batch was committing, and the engine could not find out
 * within its bounded wait whether the batch was applied. Every write of the batch completes with this
 * exception: each may or may not have been applied. Read the keys again before deciding to repeat a write.
 * Never thrown by the embedded engine.
 */
public class CommitOutcomeUnknownException extends StorageException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what was committing, naming the mutex and the batch
	 * @param cause the failure that lost the connection
	 */
	public CommitOutcomeUnknownException(String message, Throwable cause) {
		super(message, cause);
	}

}
