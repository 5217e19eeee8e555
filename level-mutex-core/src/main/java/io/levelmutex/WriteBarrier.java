package io.levelmutex;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A queued {@link Mutex#afterWrite()}: completes, normally, once every write queued before it
 * has completed, whether written or failed.
 */
final class WriteBarrier extends QueuedWrite {

	final CompletableFuture<Void> future;

	WriteBarrier(String mutexName) {
		this.future = new MutexFuture<>(mutexName);
	}

	@Override
	int operationCount() {
		return 0;
	}

	@Override
	long bytes() {
		return 0;
	}

	@Override
	void complete(@Nullable Throwable batchError) {
		this.future.complete(null);
	}

	@Override
	void fail(Throwable error) {
		// the writes queued before it have completed (failed) too: the barrier is passed
		this.future.complete(null);
	}

}
