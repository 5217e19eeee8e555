package io.levelmutex.reliability.linearizability;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.UpdateFunction;
import io.levelmutex.codec.Codec;

/**
 * A mutex that forwards every call to another; the deliberately broken mutexes of
 * {@link BrokenMutexes} override a few calls.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class ForwardingMutex<K, V> implements Mutex<K, V> {

	final Mutex<K, V> delegate;

	ForwardingMutex(Mutex<K, V> delegate) {
		this.delegate = delegate;
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public Keyspace keyspace() {
		return this.delegate.keyspace();
	}

	@Override
	public MutexOptions options() {
		return this.delegate.options();
	}

	@Override
	public Codec<K> keyCodec() {
		return this.delegate.keyCodec();
	}

	@Override
	public Codec<V> valueCodec() {
		return this.delegate.valueCodec();
	}

	@Override
	public <K2, V2> Mutex<K2, V2> withCodecs(Codec<K2> keyCodec, Codec<V2> valueCodec) {
		return this.delegate.withCodecs(keyCodec, valueCodec);
	}

	@Override
	public CompletableFuture<Optional<V>> get(K key) {
		return this.delegate.get(key);
	}

	@Override
	public <T> CompletableFuture<Optional<T>> get(K key, Codec<T> valueCodec) {
		return this.delegate.get(key, valueCodec);
	}

	@Override
	public CompletableFuture<Void> put(K key, V value) {
		return this.delegate.put(key, value);
	}

	@Override
	public <T> CompletableFuture<Void> put(K key, T value, Codec<T> valueCodec) {
		return this.delegate.put(key, value, valueCodec);
	}

	@Override
	public CompletableFuture<Void> del(K key) {
		return this.delegate.del(key);
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekFirst(KeyRange<K> range) {
		return this.delegate.peekFirst(range);
	}

	@Override
	public CompletableFuture<Optional<Entry<K, V>>> peekLast(KeyRange<K> range) {
		return this.delegate.peekLast(range);
	}

	@Override
	public CompletableFuture<List<Entry<K, V>>> scan(KeyRange<K> range, int limit, boolean reverse) {
		return this.delegate.scan(range, limit, reverse);
	}

	@Override
	public CompletableFuture<Void> afterWrite() {
		return this.delegate.afterWrite();
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function) {
		return update(function, options().maxUpdateAttempts());
	}

	@Override
	public <R> CompletableFuture<R> update(UpdateFunction<K, V, R> function, int maxAttempts) {
		return this.delegate.update(function, maxAttempts);
	}

	@Override
	public ListenerRegistration addListener(MutexListener listener) {
		return this.delegate.addListener(listener);
	}

	@Override
	public MutexStats stats() {
		return this.delegate.stats();
	}

	@Override
	public boolean isClosed() {
		return this.delegate.isClosed();
	}

	@Override
	public CompletableFuture<Void> closeAsync() {
		return this.delegate.closeAsync();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

}
