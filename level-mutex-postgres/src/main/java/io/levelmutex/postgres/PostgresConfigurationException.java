package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The database is not fit for the engine: durability off ({@code synchronous_commit = off}), schema missing
 * where the engine may not create it, or a schema version it does not know.
 */
final class PostgresConfigurationException extends PostgresStoreException {

	private static final long serialVersionUID = 1L;

	PostgresConfigurationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
