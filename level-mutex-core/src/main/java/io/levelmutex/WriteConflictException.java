package io.levelmutex;

import java.io.Serial;

/**
 * A conditional write ({@link Mutex#update}) was not committed because a write it could not
 * see changed something it read or writes, after every allowed attempt. Nothing of the
 * update was applied. Never thrown by the embedded engine, where an update runs in the write
 * phase and sees every write issued before it; thrown on engines with writers on other nodes
 * (other processes sharing the storage) when their commits keep invalidating the update.
 */
public class WriteConflictException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The name of the mutex of the update. */
	private final String mutexName;

	/** How many times the update was tried. */
	private final int attempts;

	/**
	 * Creates an exception.
	 * @param mutexName the mutex
	 * @param key the (abbreviated, printable) key that conflicted
	 * @param attempts how many times the update was tried
	 */
	public WriteConflictException(String mutexName, String key, int attempts) {
		super("Conditional write on mutex '" + mutexName + "' conflicted on key " + key + " after " + attempts
				+ (attempts == 1 ? " attempt" : " attempts") + " (max-update-attempts)");
		this.mutexName = mutexName;
		this.attempts = attempts;
	}

	/**
	 * Creates an exception for an update that used its last allowed attempt.
	 * @param mutexName the mutex
	 * @param key the (abbreviated, printable) key that conflicted
	 * @param attempts how many times the update was tried
	 * @param maxAttempts the limit ({@link MutexOptions#maxUpdateAttempts()})
	 */
	public WriteConflictException(String mutexName, String key, int attempts, int maxAttempts) {
		super("Conditional write on mutex '" + mutexName + "' conflicted on key " + key + " after " + attempts
				+ (attempts == 1 ? " attempt" : " attempts") + ", the limit of max-update-attempts " + maxAttempts
				+ "; nothing of it was applied");
		this.mutexName = mutexName;
		this.attempts = attempts;
	}

	/**
	 * The mutex the update ran on.
	 * @return its name
	 */
	public String mutexName() {
		return this.mutexName;
	}

	/**
	 * How many attempts were made before giving up.
	 * @return the number of attempts
	 */
	public int attempts() {
		return this.attempts;
	}

}
