package io.levelmutex.postgres;

import io.levelmutex.StorageUnavailableException;

/**
 * The server could not be reached (no connection within the connect wait, or the connection was lost) before
 * the operation changed anything: a snapshot could not be opened or read, a batch was not applied (its
 * transaction rolled back, or was never sent). Retrying later is safe. Reaches users as the core's
 * {@link StorageUnavailableException}.
 */
final class PostgresUnavailableException extends StorageUnavailableException {

	private static final long serialVersionUID = 1L;

	PostgresUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
