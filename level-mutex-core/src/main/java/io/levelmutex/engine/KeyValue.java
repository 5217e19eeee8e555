package io.levelmutex.engine;

/**
 * An entry a scan found.
 *
 * @param key the key, with the keyspace's prefix
 * @param value the value
 */
public record KeyValue(byte[] key, byte[] value) {
}
