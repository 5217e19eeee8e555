package io.levelmutex;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;

/** A queued {@link Mutex#get}. Gets of a phase are the keys of its plan. */
final class GetRead<T> extends QueuedRead {

	final byte[] storedKey;

	private final Codec<T> codec;

	final CompletableFuture<Optional<T>> future;

	/** Owned by the cycle thread. */
	private byte @Nullable [] value;

	GetRead(String mutexName, byte[] storedKey, Codec<T> codec) {
		this.future = new MutexFuture<>(mutexName);
		this.storedKey = storedKey;
		this.codec = codec;
	}

	/** The engine's answer: the value, or {@code null} for none. */
	void result(byte @Nullable [] value) {
		this.value = value;
	}

	@Override
	void plan(ReadPhase phase) {
		phase.plan(this);
	}

	@Override
	void deliver() {
		byte[] bytes = this.value;
		if (bytes == null) {
			this.future.complete(Optional.empty());
			return;
		}
		T decoded;
		try {
			decoded = this.codec.decode(bytes);
		}
		catch (Throwable ex) { // a codec's failure fails this read only
			this.future.completeExceptionally(ex);
			return;
		}
		this.future.complete(Optional.of(decoded));
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

}
