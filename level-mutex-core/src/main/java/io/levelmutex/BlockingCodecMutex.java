package io.levelmutex;

import java.util.List;
import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * The blocking view of a store's mutex ({@link CodecMutex#blocking()}): encodes and checks on the caller's thread as
 * the futures view does, then queues through {@link MutexCore}'s blocking entries, which may run the cycle on the
 * caller's thread without waking the pool ({@link MutexCore#awaitWrite}). Immutable.
 */
final class BlockingCodecMutex<K, V> implements BlockingMutex<K, V> {

	private final CodecMutex<K, V> mutex;

	private final MutexCore core;

	BlockingCodecMutex(CodecMutex<K, V> mutex) {
		this.mutex = mutex;
		this.core = mutex.core();
	}

	@Override
	public Mutex<K, V> mutex() {
		return this.mutex;
	}

	private void refuseOnCycleThread(String call) {
		BlockingWait.refuseOnCycleThread(this.core.name(), call);
	}

	@Override
	public Optional<V> get(K key) {
		return get(key, this.mutex.valueCodec());
	}

	@Override
	public <T> Optional<T> get(K key, Codec<T> valueCodec) {
		refuseOnCycleThread("get");
		GetRead<T> read = this.mutex.getItem(key, valueCodec);
		return this.core.awaitRead(read, read.future);
	}

	@Override
	public void put(K key, V value) {
		put(key, value, this.mutex.valueCodec());
	}

	@Override
	public <T> void put(K key, T value, Codec<T> valueCodec) {
		refuseOnCycleThread("put");
		PlainWrite write = this.mutex.putItem(key, value, valueCodec);
		this.core.awaitWrite(write, write.future);
	}

	@Override
	public void del(K key) {
		refuseOnCycleThread("del");
		PlainWrite write = this.mutex.delItem(key);
		this.core.awaitWrite(write, write.future);
	}

	@Override
	public Optional<Entry<K, V>> peekFirst(KeyRange<K> range) {
		refuseOnCycleThread("peekFirst");
		RangeRead<K, V, Optional<Entry<K, V>>> read = this.mutex.peekItem(true, range);
		return this.core.awaitRead(read, read.future);
	}

	@Override
	public Optional<Entry<K, V>> peekLast(KeyRange<K> range) {
		refuseOnCycleThread("peekLast");
		RangeRead<K, V, Optional<Entry<K, V>>> read = this.mutex.peekItem(false, range);
		return this.core.awaitRead(read, read.future);
	}

	@Override
	public List<Entry<K, V>> scan(KeyRange<K> range, int limit, boolean reverse) {
		refuseOnCycleThread("scan");
		RangeRead<K, V, List<Entry<K, V>>> read = this.mutex.scanItem(range, limit, reverse);
		return this.core.awaitRead(read, read.future);
	}

	@Override
	public void afterWrite() {
		refuseOnCycleThread("afterWrite");
		this.core.awaitAfterWrite();
	}

	@Override
	public <R> R update(UpdateFunction<K, V, R> function) {
		return update(function, this.core.options().maxUpdateAttempts());
	}

	@Override
	public <R> R update(UpdateFunction<K, V, R> function, int maxAttempts) {
		refuseOnCycleThread("update");
		UpdateWrite<K, V, R> update = this.mutex.updateItem(function, maxAttempts);
		return this.core.awaitWrite(update, update.future);
	}

	@Override
	public String toString() {
		return "BlockingMutex[" + this.mutex + "]";
	}

}
