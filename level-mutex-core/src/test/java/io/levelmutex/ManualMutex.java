package io.levelmutex;

import io.levelmutex.codec.Codecs;

/**
 * A string-typed mutex on a temporary store whose cycles run only when the test calls
 * {@link #runCycles()}: operations issued before that are issued "at the same instant".
 */
final class ManualMutex implements AutoCloseable {

	final ManualExecutor executor = new ManualExecutor();

	final TempStore temp = TempStore.open();

	final Mutex<String, String> mutex;

	ManualMutex(String name) {
		this(MutexOptions.builder(name));
	}

	ManualMutex(MutexOptions.Builder options) {
		this.mutex = this.temp.store.mutex(options.executor(this.executor).build(), Codecs.utf8(), Codecs.utf8());
	}

	void runCycles() {
		this.executor.runAll();
	}

	/** Closes the mutex (running what it still has queued), then the store. */
	@Override
	public void close() {
		this.mutex.closeAsync();
		this.executor.runAll();
		this.temp.close();
	}

}
