package io.levelmutex;

import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * What a conditional write's function sees and does. Reads are synchronous and see the read
 * phase's snapshot plus the writes of earlier updates of the same phase, but not this
 * update's own writes. Writes are recorded and committed together, after the function
 * returns, if no conflict is found. The context is valid only while the function runs.
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
	 * Which attempt this is.
	 * @return 1 for the first run, 2 for the first retry, ...
	 */
	int attempt();

}
