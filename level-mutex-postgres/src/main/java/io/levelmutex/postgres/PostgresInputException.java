package io.levelmutex.postgres;

/** Bad input (key or value over its limit, empty key, bad name): refused before any SQL is sent. */
final class PostgresInputException extends PostgresStoreException {

	private static final long serialVersionUID = 1L;

	PostgresInputException(String message) {
		super(message, null);
	}

}
