package io.levelmutex.postgres;

import io.levelmutex.InvalidInputException;

/**
 * Bad input (key or value over its limit, empty key, bad name or setting): refused before any SQL is sent.
 * Reaches users as the core's {@link InvalidInputException}.
 */
final class PostgresInputException extends InvalidInputException {

	private static final long serialVersionUID = 1L;

	PostgresInputException(String message) {
		super(message);
	}

}
