package io.levelmutex.spring.boot;

import io.levelmutex.LevelMutexException;

/**
 * Thrown by {@link MutexRegistry#mutex(String)} for a name that is neither configured nor
 * already created while on-demand creation is off. The message names the mutex, the property
 * that would configure it and the property that allows on-demand creation.
 */
public class NoSuchMutexException extends LevelMutexException {

	@java.io.Serial
	private static final long serialVersionUID = 1L;

	/** The property that allows mutexes to be created on demand. */
	public static final String CREATE_ON_DEMAND_PROPERTY = "level-mutex.create-on-demand";

	/** The name that was looked up. */
	private final String mutexName;

	/**
	 * Creates the exception.
	 * @param mutexName the name that was looked up
	 */
	public NoSuchMutexException(String mutexName) {
		super("No mutex named '" + mutexName + "': it is not configured under 'level-mutex.mutexes." + mutexName
				+ "' and '" + CREATE_ON_DEMAND_PROPERTY + "' is false");
		this.mutexName = mutexName;
	}

	/**
	 * The name that was looked up.
	 * @return the mutex's name
	 */
	public String getMutexName() {
		return this.mutexName;
	}

}
