package io.levelmutex;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/** A queued {@link Mutex#put} or {@link Mutex#del}. */
final class PlainWrite extends QueuedWrite {

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

	@Override
	void complete(@Nullable Throwable batchError) {
		if (batchError == null) {
			this.future.complete(null);
		}
		else {
			this.future.completeExceptionally(batchError);
		}
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

}
