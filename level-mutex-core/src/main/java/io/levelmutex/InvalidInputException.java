package io.levelmutex;

import java.io.Serial;

/**
 * Thrown at the call for input a mutex refuses: a {@code null} or empty key, a {@code null}
 * value, a key or value over its size limit, or an argument that makes no sense. Nothing was
 * queued.
 */
public class InvalidInputException extends IllegalArgumentException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what is wrong, naming the mutex, the (abbreviated) key and the limit
	 */
	public InvalidInputException(String message) {
		super(message);
	}

}
