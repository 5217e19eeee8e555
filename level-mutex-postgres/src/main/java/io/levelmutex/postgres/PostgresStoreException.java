package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * Base of every failure of the PostgreSQL storage layer. No raw driver exception reaches a caller: a
 * {@link java.sql.SQLException} is always the cause of one of the subclasses, never thrown itself.
 */
abstract class PostgresStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	PostgresStoreException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
