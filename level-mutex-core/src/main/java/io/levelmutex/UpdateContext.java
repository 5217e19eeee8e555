package io.levelmutex;

import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * What a conditional write's function sees and does. Reads are synchronous and see every
 * write issued before the update (a snapshot taken after the previous batch, plus the writes
 * placed before the update in the batch being built) and none issued after it, nor this
 * update's own writes. An inverted or empty range is empty: peeks in it find nothing. Writes
 * are recorded and join the batch together, as one unit, after the function returns.
 *
 * <p>The context is valid only while the function runs, and only on the thread that runs it:
 * any use from another thread, or after the function returned, throws
 * {@link IllegalStateException} and reads nothing.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface UpdateContext<K, V> {

	/**
	 * Reads a key.
	 * @param key the key
	 * @return the value, or empty if absent
	 */
	Optional<V> get(K key);

	/**
	 * Reads a key with a per-call codec.
	 * @param <T> the value type
	 * @param key the key
	 * @param valueCodec the codec
	 * @return the value, or empty if absent
	 */
	<T> Optional<T> get(K key, Codec<T> valueCodec);

	/**
	 * The first entry in a range.
	 * @param range the range
	 * @return the entry, or empty if none
	 */
	Optional<Entry<K, V>> peekFirst(KeyRange<K> range);

	/**
	 * The last entry in a range.
	 * @param range the range
	 * @return the entry, or empty if none
	 */
	Optional<Entry<K, V>> peekLast(KeyRange<K> range);

	/**
	 * Records a put.
	 * @param key the key
	 * @param value the value
	 */
	void put(K key, V value);

	/**
	 * Records a put with a per-call codec.
	 * @param <T> the value type
	 * @param key the key
	 * @param value the value
	 * @param valueCodec the codec
	 */
	<T> void put(K key, T value, Codec<T> valueCodec);

	/**
	 * Records a delete.
	 * @param key the key
	 */
	void del(K key);

	/**
	 * Which attempt this is. Attempts count conflicts: on an engine shared with other writers,
	 * a batch whose commit the engine rejected for this update (another writer changed what it
	 * read, a span it peeked at, or a key it writes) runs the function again with the next
	 * attempt number. On the embedded engine an update never conflicts, so this is always 1.
	 * A function may also run again with the same number: when its writes did not fit the batch
	 * it first ran for, or when an update before it in the batch was rejected.
	 * @return 1 for the first attempt, 2 for the first retry after a conflict, ...
	 */
	int attempt();

}
