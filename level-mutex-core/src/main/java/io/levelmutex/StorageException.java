package io.levelmutex;

import java.io.Serial;

/**
 * The storage engine failed a read or a batch. For a failed batch every write in it completes
 * with the same instance of this exception, and nothing of the batch was applied (unless it is
 * a {@link CommitOutcomeUnknownException}).
 */
public class StorageException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what failed, naming the mutex
	 * @param cause the engine's exception, or whatever else failed
	 */
	public StorageException(String message, Throwable cause) {
		super(message, cause);
	}

}
