package io.levelmutex;

import java.io.Serial;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor of an open mutex refused to run its cycle (a saturated or shut-down executor
 * of your own, see {@link MutexOptions.Builder#executor}). No cycle could run the operations
 * that were queued at that moment, so each of them fails with this exception; nothing of
 * them was applied. The mutex stays open: the next operation schedules a new cycle.
 */
public class CycleRejectedException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The name of the mutex whose cycle was refused. */
	private final String mutexName;

	/** How many queued operations were failed. */
	private final int failedOperations;

	/**
	 * Creates an exception.
	 * @param mutexName the mutex whose cycle was refused
	 * @param failedOperations how many queued operations were failed
	 * @param cause the executor's refusal
	 */
	public CycleRejectedException(String mutexName, int failedOperations, RejectedExecutionException cause) {
		super("The executor of mutex '" + mutexName + "' rejected its cycle (" + cause.getMessage() + "); the "
				+ failedOperations + " queued operations were failed, nothing of them was applied; the mutex stays open",
				cause);
		this.mutexName = mutexName;
		this.failedOperations = failedOperations;
	}

	/**
	 * The mutex whose cycle was refused.
	 * @return its name
	 */
	public String mutexName() {
		return this.mutexName;
	}

	/**
	 * How many queued operations were failed with this exception.
	 * @return the number of operations
	 */
	public int failedOperations() {
		return this.failedOperations;
	}

}
