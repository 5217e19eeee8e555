package io.levelmutex;

import java.io.Serial;

/**
 * Thrown at the call when an operation is issued on a closed mutex (or one whose store is
 * closed), and used to fail operations that were queued when the store underneath went away.
 */
public class MutexClosedException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message which mutex is closed, and why
	 */
	public MutexClosedException(String message) {
		super(message);
	}

}
