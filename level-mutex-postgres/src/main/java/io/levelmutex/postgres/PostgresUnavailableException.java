package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The server could not be reached, or failed, before the operation changed anything: a snapshot could not be
 * opened or read, a batch was not applied (its transaction rolled back, or was never sent), retries of
 * serialization failures or deadlocks ran out. Retrying later is safe.
 */
final class PostgresUnavailableException extends PostgresStoreException {

	private static final long serialVersionUID = 1L;

	PostgresUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
