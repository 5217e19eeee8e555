package io.levelmutex.postgres;

import io.levelmutex.StorageException;

/**
 * The server answered with an error that is not a lost connection (for example serialization failures or
 * deadlocks that outlasted the engine's retries, a statement timeout, a full disk), before the operation changed
 * anything: nothing of a failed batch was applied. Reaches users as the core's {@link StorageException}.
 */
final class PostgresFailureException extends StorageException {

	private static final long serialVersionUID = 1L;

	PostgresFailureException(String message, Throwable cause) {
		super(message, cause);
	}

}
