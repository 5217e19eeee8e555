package io.levelmutex;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;

/** A queued {@link Mutex#peekFirst} or {@link Mutex#peekLast}. */
final class PeekRead<K, V> extends ReadOp {

	private final boolean first;

	private final StoredRange range;

	private final int prefixLength;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	final CompletableFuture<Optional<Entry<K, V>>> future = new CompletableFuture<>();

	/** Owned by the cycle thread. */
	private byte @Nullable [][] found;

	/** Owned by the cycle thread. */
	private @Nullable Throwable error;

	PeekRead(boolean first, StoredRange range, int prefixLength, Codec<K> keyCodec, Codec<V> valueCodec) {
		this.first = first;
		this.range = range;
		this.prefixLength = prefixLength;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
	}

	@Override
	void execute(ReadPhase phase) {
		try {
			this.found = this.first ? phase.reader().first(this.range, null, null)
					: phase.reader().last(this.range, null, null);
		}
		catch (Exception ex) {
			this.error = phase.readFailure(ex);
		}
		catch (Error ex) {
			this.error = ex;
		}
	}

	@Override
	void deliver() {
		if (this.error != null) {
			this.future.completeExceptionally(this.error);
			return;
		}
		if (this.found == null) {
			this.future.complete(Optional.empty());
			return;
		}
		Entry<K, V> entry;
		try {
			entry = decode(this.found, this.prefixLength, this.keyCodec, this.valueCodec);
		}
		catch (Throwable ex) { // a codec's failure fails this read only
			this.future.completeExceptionally(ex);
			return;
		}
		this.future.complete(Optional.of(entry));
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

	static <K, V> Entry<K, V> decode(byte[][] found, int prefixLength, Codec<K> keyCodec, Codec<V> valueCodec) {
		byte[] stored = found[0];
		byte[] relative = java.util.Arrays.copyOfRange(stored, prefixLength, stored.length);
		return new Entry<>(keyCodec.decode(relative), valueCodec.decode(found[1]));
	}

}
