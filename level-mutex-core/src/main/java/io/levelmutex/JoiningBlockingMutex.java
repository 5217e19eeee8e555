package io.levelmutex;

import java.util.List;
import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * The blocking view {@link Mutex#blocking()} gives any {@link Mutex} that has no faster one (a decorator of the
 * application's, say): each call is the mutex's call followed by {@link BlockingWait#result}. Immutable.
 */
final class JoiningBlockingMutex<K, V> implements BlockingMutex<K, V> {

	private final Mutex<K, V> mutex;

	JoiningBlockingMutex(Mutex<K, V> mutex) {
		this.mutex = mutex;
	}

	@Override
	public Mutex<K, V> mutex() {
		return this.mutex;
	}

	private void refuseOnCycleThread(String call) {
		BlockingWait.refuseOnCycleThread(this.mutex.name(), call);
	}

	@Override
	public Optional<V> get(K key) {
		refuseOnCycleThread("get");
		return BlockingWait.result(this.mutex.get(key));
	}

	@Override
	public <T> Optional<T> get(K key, Codec<T> valueCodec) {
		refuseOnCycleThread("get");
		return BlockingWait.result(this.mutex.get(key, valueCodec));
	}

	@Override
	public void put(K key, V value) {
		refuseOnCycleThread("put");
		BlockingWait.result(this.mutex.put(key, value));
	}

	@Override
	public <T> void put(K key, T value, Codec<T> valueCodec) {
		refuseOnCycleThread("put");
		BlockingWait.result(this.mutex.put(key, value, valueCodec));
	}

	@Override
	public void del(K key) {
		refuseOnCycleThread("del");
		BlockingWait.result(this.mutex.del(key));
	}

	@Override
	public Optional<Entry<K, V>> peekFirst(KeyRange<K> range) {
		refuseOnCycleThread("peekFirst");
		return BlockingWait.result(this.mutex.peekFirst(range));
	}

	@Override
	public Optional<Entry<K, V>> peekLast(KeyRange<K> range) {
		refuseOnCycleThread("peekLast");
		return BlockingWait.result(this.mutex.peekLast(range));
	}

	@Override
	public List<Entry<K, V>> scan(KeyRange<K> range, int limit, boolean reverse) {
		refuseOnCycleThread("scan");
		return BlockingWait.result(this.mutex.scan(range, limit, reverse));
	}

	@Override
	public void afterWrite() {
		refuseOnCycleThread("afterWrite");
		BlockingWait.result(this.mutex.afterWrite());
	}

	@Override
	public <R> R update(UpdateFunction<K, V, R> function) {
		refuseOnCycleThread("update");
		return BlockingWait.result(this.mutex.update(function));
	}

	@Override
	public <R> R update(UpdateFunction<K, V, R> function, int maxAttempts) {
		refuseOnCycleThread("update");
		return BlockingWait.result(this.mutex.update(function, maxAttempts));
	}

	@Override
	public String toString() {
		return "BlockingMutex[" + this.mutex + "]";
	}

}
