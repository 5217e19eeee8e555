package io.levelmutex;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;

/**
 * A queued {@link Mutex#update}: an item of the write queue whose function runs when the
 * batch being built reaches it, on the state every earlier write leaves, and whose writes
 * join that batch as one unit. Created on the caller's thread; the outcome fields are owned
 * by the cycle thread.
 */
final class UpdateWrite<K, V, R> extends QueuedWrite {

	final UpdateFunction<K, V, R> function;

	final Codec<K> keyCodec;

	final Codec<V> valueCodec;

	final CompletableFuture<R> future;

	/** The outcome of the run placed in the batch; cycle thread. */
	private @Nullable R result;

	private List<WriteOperation> writes = List.of();

	private long bytes;

	private @Nullable Throwable error;

	/** How many runs the engine may reject before the update fails with a conflict; at least 1. */
	final int maxAttempts;

	/**
	 * The number of the batch whose reads a {@link ReadPrediction} last predicted from this update's function (0:
	 * none), so the batch does not predict it twice; cycle thread.
	 */
	long predictedFor;

	/** Which run this is: 1, plus one per rejection by the engine; cycle thread. */
	private int attempt = 1;

	UpdateWrite(String mutexName, UpdateFunction<K, V, R> function, Codec<K> keyCodec, Codec<V> valueCodec,
			int maxAttempts) {
		this.future = new MutexFuture<>(mutexName);
		this.maxAttempts = maxAttempts;
		this.function = function;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
	}

	/** The function returned: its writes join the batch. */
	void ran(@Nullable R result, List<WriteOperation> writes, long bytes) {
		this.result = result;
		this.writes = writes;
		this.bytes = bytes;
	}

	/** The function threw, or could not run: the update fails in its turn, writing nothing. */
	void failed(Throwable error) {
		this.error = error;
	}

	List<WriteOperation> writes() {
		return this.writes;
	}

	int attempt() {
		return this.attempt;
	}

	/**
	 * The batch it ran for was not committed past an update at or before it (a rejection): it will run again,
	 * on fresh state, in a later batch; {@code rejected} counts the attempt when this update was the one
	 * rejected.
	 */
	void again(boolean rejected) {
		if (rejected) {
			this.attempt++;
		}
		this.result = null;
		this.writes = List.of();
		this.bytes = 0;
		this.error = null;
	}

	@Override
	int operationCount() {
		return this.writes.size();
	}

	@Override
	long bytes() {
		return this.bytes;
	}

	@Override
	void complete(@Nullable Throwable batchError) {
		if (this.error != null) {
			this.future.completeExceptionally(this.error);
		}
		else if (batchError != null) {
			// its function saw the batch's earlier writes, which were not applied
			this.future.completeExceptionally(batchError);
		}
		else {
			this.future.complete(this.result);
		}
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

}
