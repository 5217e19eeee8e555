package io.levelmutex;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * An executor that runs nothing until the test says so: tests issue operations "at the same
 * instant" and then run the mutex's cycle deterministically on the test thread.
 */
final class ManualExecutor implements JoinableExecutor {

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	@Override
	public synchronized void execute(Runnable command) {
		this.tasks.add(command);
	}

	/** Runs queued tasks, and the tasks they queue, until none is left. */
	void runAll() {
		Runnable task;
		while ((task = poll()) != null) {
			task.run();
		}
	}

	synchronized int pending() {
		return this.tasks.size();
	}

	private synchronized Runnable poll() {
		return this.tasks.poll();
	}

}
