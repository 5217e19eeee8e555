package io.levelmutex;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;

/**
 * A queued {@link Mutex#update}: its function runs in the read phase; its writes, if any,
 * become a {@link UnitWrite} in the write queue at delivery. Retried by re-queuing.
 */
final class UpdateRead<K, V, R> extends ReadOp {

	final MutexCore core;

	final UpdateFunction<K, V, R> function;

	final Codec<K> keyCodec;

	final Codec<V> valueCodec;

	final int maxAttempts;

	final CompletableFuture<R> future;

	/** Owned by the cycle thread from here on. */
	int attempt;

	/** The stored key of the last conflict; owned by the cycle thread. */
	byte @Nullable [] conflictKey;

	private @Nullable R result;

	private @Nullable UnitWrite<R> unit;

	private @Nullable Throwable error;

	UpdateRead(MutexCore core, UpdateFunction<K, V, R> function, Codec<K> keyCodec, Codec<V> valueCodec,
			int maxAttempts) {
		this.core = core;
		this.function = function;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
		this.maxAttempts = maxAttempts;
		this.future = new MutexFuture<>(core.name());
		this.attempt = 1;
	}

	@Override
	void execute(ReadPhase phase) {
		this.result = null;
		this.unit = null;
		this.error = null;
		SnapshotUpdateContext<K, V> context = new SnapshotUpdateContext<>(this.core, phase, this.keyCodec,
				this.valueCodec, this.attempt);
		try {
			this.result = this.function.apply(context);
		}
		catch (Throwable ex) {
			this.error = ex;
			return;
		}
		finally {
			context.end();
		}
		if (!context.writes().isEmpty()) {
			this.unit = new UnitWrite<>(this, context.writes(), context.footprint(), this.result, phase.number(),
					phase.nextUnitOrder(), phase.snapshotBatch());
			phase.overlay().record(this.unit);
		}
	}

	@Override
	void deliver() {
		if (this.error != null) {
			this.future.completeExceptionally(this.error);
		}
		else if (this.unit != null) {
			UnitWrite<R> pending = this.unit;
			this.unit = null;
			this.core.enqueueUnit(pending);
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
