package io.levelmutex;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/** Byte-array key arithmetic: prefixes, successors and unsigned order (RocksDB's default). */
final class KeyBytes {

	static final byte[] EMPTY = new byte[0];

	private KeyBytes() {
	}

	static byte[] concat(byte[] prefix, byte[] key) {
		if (prefix.length == 0) {
			return key;
		}
		byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
		System.arraycopy(key, 0, out, prefix.length, key.length);
		return out;
	}

	/** The key without the prefix; the key itself if it does not start with the prefix. */
	static byte[] strip(byte[] prefix, byte[] stored) {
		if (prefix.length == 0 || stored.length < prefix.length
				|| !Arrays.equals(prefix, 0, prefix.length, stored, 0, prefix.length)) {
			return stored;
		}
		return Arrays.copyOfRange(stored, prefix.length, stored.length);
	}

	/** The smallest key greater than {@code key} itself: {@code key + 0x00}. */
	static byte[] next(byte[] key) {
		return Arrays.copyOf(key, key.length + 1);
	}

	/**
	 * The smallest key greater than every key that starts with {@code prefix}, or
	 * {@code null} when there is none (empty prefix, or only 0xFF bytes).
	 */
	static byte @Nullable [] successor(byte[] prefix) {
		for (int i = prefix.length - 1; i >= 0; i--) {
			if (prefix[i] != (byte) 0xFF) {
				byte[] out = Arrays.copyOf(prefix, i + 1);
				out[i]++;
				return out;
			}
		}
		return null;
	}

	static int compare(byte[] a, byte[] b) {
		return Arrays.compareUnsigned(a, b);
	}

}
