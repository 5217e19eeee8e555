package io.levelmutex;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps RocksDB's native handles alive while a phase uses them: phases hold the shared side
 * for the duration of their RocksDB calls (one acquisition per phase, not per operation);
 * closing takes the exclusive side, so it waits for running phases and no phase starts on a
 * closed database (which would crash the JVM).
 */
final class StoreGuard {

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/** Written under the exclusive lock, read under the shared lock (or racily, as a hint). */
	private volatile boolean closed;

	/** @return {@code true} if the store is open; the caller must then call {@link #exit()} */
	boolean enter() {
		this.lock.readLock().lock();
		if (this.closed) {
			this.lock.readLock().unlock();
			return false;
		}
		return true;
	}

	void exit() {
		this.lock.readLock().unlock();
	}

	/** Waits for running phases, then marks the store closed. */
	void close() {
		this.lock.writeLock().lock();
		try {
			this.closed = true;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	boolean isClosed() {
		return this.closed;
	}

}
