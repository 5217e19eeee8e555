package io.levelmutex;

import java.util.concurrent.CompletableFuture;

/** A queued {@link Mutex#afterWrite()}: completes after the writes queued before it. */
final class WriteBarrier extends WriteItem {

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

}
