package io.levelmutex.postgres;

/**
 * A key and its value, as the tests read them from a snapshot ({@link TestSnapshot}).
 *
 * @param key the key
 * @param value the value
 */
record Entry(byte[] key, byte[] value) {
}
