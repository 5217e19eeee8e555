package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

import io.levelmutex.StorageException;

/**
 * The database is not fit for the engine: durability off ({@code synchronous_commit = off}), schema missing
 * where the engine may not create it, or a schema version it does not know. Thrown when opening; reaches users
 * as the core's {@link StorageException}.
 */
final class PostgresConfigurationException extends StorageException {

	private static final long serialVersionUID = 1L;

	@SuppressWarnings("NullAway")
	PostgresConfigurationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
