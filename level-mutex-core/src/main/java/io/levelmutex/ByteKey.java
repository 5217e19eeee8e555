package io.levelmutex;

import java.util.Arrays;

import io.levelmutex.engine.KeyFormat;

/** A byte-array key usable in hash and tree maps: unsigned lexicographic order. Immutable. */
final class ByteKey implements Comparable<ByteKey> {

	final byte[] bytes;

	private final int hash;

	ByteKey(byte[] bytes) {
		this.bytes = bytes;
		this.hash = Arrays.hashCode(bytes);
	}

	@Override
	public int compareTo(ByteKey other) {
		return Arrays.compareUnsigned(this.bytes, other.bytes);
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof ByteKey other) && this.hash == other.hash && Arrays.equals(this.bytes, other.bytes);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return KeyFormat.abbreviate(this.bytes);
	}

}
