package io.levelmutex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadPlan;

/**
 * A queued read of the first entries of a range, from either end: {@link Mutex#scan}, and
 * {@link Mutex#peekFirst}/{@link Mutex#peekLast} as a scan of one entry.
 *
 * @param <R> what the caller's future completes with, made from the decoded entries
 */
final class RangeRead<K, V, R> extends QueuedRead {

	private final KeySpan range;

	private final int limit;

	private final boolean reverse;

	private final int prefixLength;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	private final Function<List<Entry<K, V>>, R> result;

	final CompletableFuture<R> future;

	/** Owned by the cycle thread. */
	private @Nullable List<KeyValue> found;

	private RangeRead(String mutexName, KeySpan range, int limit, boolean reverse, int prefixLength,
			Codec<K> keyCodec, Codec<V> valueCodec, Function<List<Entry<K, V>>, R> result) {
		this.future = new MutexFuture<>(mutexName);
		this.range = range;
		this.limit = limit;
		this.reverse = reverse;
		this.prefixLength = prefixLength;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
		this.result = result;
	}

	static <K, V> RangeRead<K, V, List<Entry<K, V>>> scan(String mutexName, KeySpan range, int limit,
			boolean reverse, int prefixLength, Codec<K> keyCodec, Codec<V> valueCodec) {
		return new RangeRead<>(mutexName, range, limit, reverse, prefixLength, keyCodec, valueCodec, List::copyOf);
	}

	static <K, V> RangeRead<K, V, Optional<Entry<K, V>>> peek(String mutexName, KeySpan range, boolean first,
			int prefixLength, Codec<K> keyCodec, Codec<V> valueCodec) {
		return new RangeRead<>(mutexName, range, 1, !first, prefixLength, keyCodec, valueCodec,
				(entries) -> entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0)));
	}

	@Override
	void plan(ReadPhase phase) {
		if (this.range.isEmpty()) {
			this.found = List.of(); // an inverted or empty range: nothing to ask the engine
		}
		else {
			phase.plan(this, new ReadPlan.Scan(this.range, this.limit, !this.reverse));
		}
	}

	/** The engine's answer: the entries found, in the scan's direction. */
	void result(List<KeyValue> entries) {
		this.found = entries;
	}

	@Override
	void deliver() {
		List<KeyValue> entries = this.found;
		if (entries == null) {
			this.future.completeExceptionally(new IllegalStateException("not run"));
			return;
		}
		R value;
		try {
			List<Entry<K, V>> decoded = new ArrayList<>(entries.size());
			for (KeyValue entry : entries) {
				decoded.add(decode(entry, this.prefixLength, this.keyCodec, this.valueCodec));
			}
			value = this.result.apply(decoded);
		}
		catch (Throwable ex) { // a codec's failure fails this read only
			this.future.completeExceptionally(ex);
			return;
		}
		this.future.complete(value);
	}

	@Override
	void fail(Throwable error) {
		this.future.completeExceptionally(error);
	}

	/** Decodes a stored entry into an entry with a key relative to the keyspace (the prefix stripped). */
	static <K, V> Entry<K, V> decode(KeyValue found, int prefixLength, Codec<K> keyCodec, Codec<V> valueCodec) {
		byte[] stored = found.key();
		byte[] relative = Arrays.copyOfRange(stored, prefixLength, stored.length);
		return new Entry<>(keyCodec.decode(relative), valueCodec.decode(found.value()));
	}

}
