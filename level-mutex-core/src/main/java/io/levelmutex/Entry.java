package io.levelmutex;

/**
 * A key and its value, as returned by {@link Mutex#peekFirst} and {@link Mutex#peekLast}.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param key the key, relative to the mutex's keyspace
 * @param value the value
 */
public record Entry<K, V>(K key, V value) {
}
