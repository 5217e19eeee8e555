package io.levelmutex;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.codec.Codec;

/**
 * A typed view of a {@link MutexCore}: encodes and checks arguments on the caller's thread,
 * then queues byte-level operations. Stateless beyond its codecs; thread-safe.
 */
final class CodecMutex<K, V> implements Mutex<K, V> {

	private final MutexCore core;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	CodecMutex(MutexCore core, Codec<K> keyCodec, Codec<V> valueCodec) {
		this.core = core;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
	}

	MutexCore core() {
		return this.core;
	}

	@Override
	public String name() {
		return this.core.name();
	}

	@Override
	public Keyspace keyspace() {
		return this.core.options().keyspace();
	}

	@Override
	public MutexOptions options() {
		return this.core.options();
	}

	@Override
	public Codec<K> keyCodec() {
		return this.keyCodec;
	}

	@Override
	public Codec<V> valueCodec() {
		return this.valueCodec;
	}

	@Override
	public <K2, V2> Mutex<K2, V2> withCodecs(Codec<K2> keyCodec, Codec<V2> valueCodec) {
		return new CodecMutex<>(this.core, Objects.requireNonNull(keyCodec, "keyCodec"),
				Objects.requireNonNull(valueCodec, "valueCodec"));
	}

	@Override
	public CompletableFuture<Optional<V>> get(K key) {
		return get(key, this.valueCodec);
	}

	@Override
	public <T> CompletableFuture<Optional<T>> get(K key, Codec<T> valueCodec) {
		GetRead<T> read = getItem(key, valueCodec);
		this.core.enqueueRead(read);
		return this.core.track(read.future);
	}

	/** A get, encoded and checked on the caller's thread, not queued yet (for this view and its blocking one). */
	<T> GetRead<T> getItem(K key, Codec<T> valueCodec) {
		requireCodec(valueCodec);
		InputEncoder input = this.core.input();
		return new GetRead<>(name(), input.storedKey(input.encodeKey(this.keyCodec, key)), valueCodec);
	}

	@Override
	public CompletableFuture<Void> put(K key, V value) {
		return put(key, value, this.valueCodec);
	}

	@Override
	public <T> CompletableFuture<Void> put(K key, T value, Codec<T> valueCodec) {
		PlainWrite write = putItem(key, value, valueCodec);
		this.core.enqueueWrite(write);
		return this.core.trackWrite(write.future);
	}

	/** A put, encoded and checked, not queued yet. */
	<T> PlainWrite putItem(K key, T value, Codec<T> valueCodec) {
		requireCodec(valueCodec);
		return new PlainWrite(name(), this.core.input().putOperation(this.keyCodec, key, valueCodec, value));
	}

	@Override
	public CompletableFuture<Void> del(K key) {
		PlainWrite write = delItem(key);
		this.core.enqueueWrite(write);
		return this.core.trackWrite(write.future);
	}

	/** A delete, encoded and checked, not queued yet. */
	PlainWrite delItem(K key) {
		return new PlainWrite(name(), this.core.input().delOperation(this.keyCodec, key));
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekFirst(KeyRange<K> range) {
		return peek(true, range);
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekLast(KeyRange<K> range) {
		return peek(false, range);
	}

	private CompletableFuture<Optional<Entry<K, V>>> peek(boolean first, KeyRange<K> range) {
		RangeRead<K, V, Optional<Entry<K, V>>> read = peekItem(first, range);
		this.core.enqueueRead(read);
		return this.core.track(read.future);
	}

	/** A peek at the first or last entry of a range, encoded and checked, not queued yet. */
	RangeRead<K, V, Optional<Entry<K, V>>> peekItem(boolean first, KeyRange<K> range) {
		return RangeRead.peek(name(), this.core.input().storedSpan(this.keyCodec, range), first,
				this.core.prefixLength(), this.keyCodec, this.valueCodec);
	}

	@Override
	public CompletableFuture<List<Entry<K, V>>> scan(KeyRange<K> range, int limit, boolean reverse) {
		RangeRead<K, V, List<Entry<K, V>>> read = scanItem(range, limit, reverse);
		this.core.enqueueRead(read);
		return this.core.track(read.future);
	}

	/** A scan, encoded and checked, not queued yet. */
	RangeRead<K, V, List<Entry<K, V>>> scanItem(KeyRange<K> range, int limit, boolean reverse) {
		if (limit < 1) {
			throw new InvalidInputException("Mutex '" + name() + "': scan limit must be at least 1 but was " + limit);
		}
		return RangeRead.scan(name(), this.core.input().storedSpan(this.keyCodec, range), limit, reverse,
				this.core.prefixLength(), this.keyCodec, this.valueCodec);
	}

	@Override
	public CompletableFuture<Void> afterWrite() {
		return this.core.trackWrite(this.core.afterWrite());
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function) {
		return update(function, this.core.options().maxUpdateAttempts());
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function, int maxAttempts) {
		UpdateWrite<K, V, R> update = updateItem(function, maxAttempts);
		this.core.enqueueWrite(update);
		return this.core.trackWrite(update.future);
	}

	/** A conditional write, checked, not queued yet. */
	<R> UpdateWrite<K, V, R> updateItem(UpdateFunction<K, V, R> function, int maxAttempts) {
		if (function == null) {
			throw new InvalidInputException("Mutex '" + name() + "': update function must not be null");
		}
		if (maxAttempts < 1) {
			throw new InvalidInputException(
					"Mutex '" + name() + "': maxAttempts must be at least 1 but was " + maxAttempts);
		}
		return new UpdateWrite<>(this.core.name(), function, this.keyCodec, this.valueCodec, maxAttempts);
	}

	@Override
	public BlockingMutex<K, V> blocking() {
		return new BlockingCodecMutex<>(this);
	}

	@Override
	public ListenerRegistration addListener(MutexListener listener) {
		return this.core.listeners().add(Objects.requireNonNull(listener, "listener"));
	}

	@Override
	public MutexStats stats() {
		return this.core.stats();
	}

	@Override
	public boolean isClosed() {
		return this.core.isClosed();
	}

	@Override
	public CompletableFuture<Void> closeAsync() {
		return this.core.closeAsync();
	}

	@Override
	public void close() {
		CompletableFuture<Void> closing = this.core.closeAsync();
		if (CycleMarker.running() == null) { // on a cycle thread a wait could deadlock: close as closeAsync does
			closing.join();
		}
	}

	private void requireCodec(Codec<?> codec) {
		if (codec == null) {
			throw new InvalidInputException("Mutex '" + name() + "': codec must not be null");
		}
	}

	@Override
	public String toString() {
		return "Mutex[" + name() + ", keyspace=" + keyspace() + ", codecs=" + this.keyCodec.name() + "/"
				+ this.valueCodec.name() + "]";
	}

}
