package io.levelmutex;

import java.io.Serial;

/**
 * The storage server could not be reached (within the engine's bounded wait), so a read or a batch was not
 * run. Nothing of a failed batch was applied: the operation is safe to retry. The mutex keeps working and
 * recovers by itself once the server is back. Never thrown by the embedded engine.
 */
public class StorageUnavailableException extends StorageException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what could not run, naming the mutex or keyspace
	 * @param cause the driver's failure
	 */
	public StorageUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
