package io.levelmutex;

import java.io.Serial;

/**
 * Thrown when a mutex is asked for whose keyspace overlaps the keyspace of another mutex of
 * the same store: the two could read and write each other's keys, so neither's guarantees
 * would hold.
 */
public class KeyspaceOverlapException extends LevelMutexException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message which mutexes and keyspaces overlap
	 */
	public KeyspaceOverlapException(String message) {
		super(message);
	}

}
