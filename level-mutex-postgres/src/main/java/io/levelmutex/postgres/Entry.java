package io.levelmutex.postgres;

/**
 * A key and its value, as read from a snapshot.
 *
 * @param key the key
 * @param value the value
 */
record Entry(byte[] key, byte[] value) {
}
