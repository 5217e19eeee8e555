package io.levelmutex;

import java.io.Serial;

/**
 * Thrown at the call when a mutex already holds its limit of queued operations
 * ({@link MutexOptions#maxQueuedOperations()}). Nothing was queued; the caller may back off
 * and retry. Operations already accepted are not affected.
 */
public class MutexOverloadedException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The name of the mutex that refused the operation. */
	private final String mutexName;

	/** The queue limit that was hit. */
	private final int limit;

	/**
	 * Creates an exception.
	 * @param mutexName the mutex that refused the operation
	 * @param limit the queue limit that was hit
	 */
	public MutexOverloadedException(String mutexName, int limit) {
		super("Mutex '" + mutexName + "' is overloaded: " + limit
				+ " operations already queued (level-mutex max-queued-operations); the operation was not queued");
		this.mutexName = mutexName;
		this.limit = limit;
	}

	/**
	 * The mutex that refused the operation.
	 * @return its name
	 */
	public String mutexName() {
		return this.mutexName;
	}

	/**
	 * The queue limit that was hit.
	 * @return the limit
	 */
	public int limit() {
		return this.limit;
	}

}
