package io.levelmutex;

import org.jspecify.annotations.Nullable;

/**
 * A key range translated into stored keys: {@code [lower, upper)} with the keyspace's prefix
 * applied, so that it never leaves the keyspace. {@code upper == null} means "to the end of
 * the column family", which only happens when the prefix has no successor. A range whose
 * start lies after its end is normalized to an empty one ({@code lower == upper}), so that no
 * consumer ever sees {@code lower > upper}.
 */
final class StoredRange {

	final byte[] lower;

	final byte @Nullable [] upper;

	private StoredRange(byte[] lower, byte @Nullable [] upper) {
		this.lower = lower;
		this.upper = upper;
	}

	/**
	 * Translates a range of encoded relative keys. Keys equal to the bare prefix (an empty
	 * relative key) are never part of a range: a mutex refuses empty keys.
	 */
	static StoredRange of(byte[] prefix, byte @Nullable [] start, boolean startInclusive, byte @Nullable [] end,
			boolean endInclusive) {
		byte[] lower;
		if (start == null) {
			lower = KeyBytes.next(prefix);
		}
		else {
			byte[] stored = KeyBytes.concat(prefix, start);
			lower = startInclusive ? stored : KeyBytes.next(stored);
		}
		byte[] upper;
		if (end == null) {
			upper = KeyBytes.successor(prefix);
		}
		else {
			byte[] stored = KeyBytes.concat(prefix, end);
			upper = endInclusive ? KeyBytes.next(stored) : stored;
		}
		if (upper != null && KeyBytes.compare(lower, upper) > 0) {
			upper = lower; // an inverted range (start after end) is empty, never an error
		}
		return new StoredRange(lower, upper);
	}

	boolean isEmpty() {
		return this.upper != null && KeyBytes.compare(this.lower, this.upper) >= 0;
	}

	boolean contains(byte[] key) {
		return KeyBytes.compare(key, this.lower) >= 0 && (this.upper == null || KeyBytes.compare(key, this.upper) < 0);
	}

}
