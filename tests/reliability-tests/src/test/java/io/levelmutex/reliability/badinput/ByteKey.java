package io.levelmutex.reliability.badinput;

import java.util.Arrays;

/**
 * A byte-array key for model maps, ordered like RocksDB's default comparator (unsigned
 * lexicographic).
 *
 * @param bytes the key's bytes (not copied)
 */
record ByteKey(byte[] bytes) implements Comparable<ByteKey> {

	@Override
	public int compareTo(ByteKey other) {
		return Arrays.compareUnsigned(this.bytes, other.bytes);
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof ByteKey other) && Arrays.equals(this.bytes, other.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return Arrays.toString(this.bytes);
	}

}
