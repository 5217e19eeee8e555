package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * Marks the threads that are running a cycle of a mutex, so that {@link MutexFuture} can
 * refuse a blocking wait there. Set at the start of a drain task and restored in a
 * {@code finally} at its end; a drain that runs nested in another (a direct executor) restores
 * the outer mutex's mark.
 */
final class CycleMarker {

	/** The name of the mutex whose cycle the thread runs, or {@code null}; owned by each thread. */
	private static final ThreadLocal<@Nullable String> RUNNING = new ThreadLocal<>();

	private CycleMarker() {
	}

	/**
	 * Marks the current thread as running a cycle of {@code mutexName}.
	 * @return the previous mark, to hand to {@link #exit}
	 */
	static @Nullable String enter(String mutexName) {
		String outer = RUNNING.get();
		RUNNING.set(mutexName);
		return outer;
	}

	/** Restores the mark {@link #enter} returned. */
	static void exit(@Nullable String outer) {
		if (outer == null) {
			RUNNING.remove();
		}
		else {
			RUNNING.set(outer);
		}
	}

	/** @return the mutex whose cycle the current thread runs, or {@code null} */
	static @Nullable String running() {
		return RUNNING.get();
	}

}
