package io.levelmutex;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

/**
 * The base of every runtime failure a mutex or its store reports. Input errors are reported
 * with {@link InvalidInputException} instead, an {@link IllegalArgumentException}.
 */
public class LevelMutexException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the message, naming the mutex and what went wrong
	 * @param cause the underlying cause, if any
	 */
	public LevelMutexException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception without a cause.
	 * @param message the message, naming the mutex and what went wrong
	 */
	public LevelMutexException(String message) {
		super(message);
	}

}
