package io.levelmutex;

import java.util.concurrent.CompletableFuture;

/** A queued {@link Mutex#put} or {@link Mutex#del}. */
final class PlainWrite extends WriteItem {

	final WriteOperation operation;

	final CompletableFuture<Void> future;

	PlainWrite(String mutexName, WriteOperation operation) {
		this.future = new MutexFuture<>(mutexName);
		this.operation = operation;
	}

	@Override
	int operationCount() {
		return 1;
	}

	@Override
	long bytes() {
		return this.operation.size();
	}

}
