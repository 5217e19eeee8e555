package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;

/** A queued {@link Mutex#scan}. */
final class ScanRead<K, V> extends ReadOp {

	private final StoredRange range;

	private final int limit;

	private final boolean reverse;

	private final int prefixLength;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	final CompletableFuture<List<Entry<K, V>>> future = new CompletableFuture<>();

	/** Owned by the cycle thread. */
	private @Nullable List<byte[][]> found;

	/** Owned by the cycle thread. */
	private @Nullable Throwable error;

	ScanRead(StoredRange range, int limit, boolean reverse, int prefixLength, Codec<K> keyCodec,
			Codec<V> valueCodec) {
		this.range = range;
		this.limit = limit;
		this.reverse = reverse;
		this.prefixLength = prefixLength;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
	}

	@Override
	void execute(ReadPhase phase) {
		try {
			this.found = phase.reader().scan(this.range, this.limit, !this.reverse);
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
		if (this.error != null || this.found == null) {
			this.future.completeExceptionally((this.error != null) ? this.error : new IllegalStateException("not run"));
			return;
		}
		List<Entry<K, V>> entries = new ArrayList<>(this.found.size());
		try {
			for (byte[][] entry : this.found) {
				entries.add(PeekRead.decode(entry, this.prefixLength, this.keyCodec, this.valueCodec));
			}
		}
		catch (Throwable ex) { // a codec's failure fails this read only
			this.future.completeExceptionally(ex);
			return;
		}
		this.future.complete(List.copyOf(entries));
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

}
