package io.levelmutex.engine;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A span of stored keys {@code [lower, upper)} in unsigned lexicographic order: the one byte-range type below the
 * public {@link io.levelmutex.KeyRange}. The core translates a mutex's key range into one (prefix applied, an
 * inverted range made empty); a {@link ReadPlan.Scan} reads one, and an {@link UpdateFootprint} lists the spans an
 * update examined (a peek at the first or last entry of a range). A span whose {@code lower} is not below
 * {@code upper} holds no key; it is not an error. Immutable; the arrays are shared: do not modify them.
 *
 * @param lower the first key of the span, with the keyspace's prefix
 * @param upper the bound (excluded), or {@code null} for the end of the keyspace
 */
public record KeySpan(byte[] lower, byte @Nullable [] upper) {

	/**
	 * Whether the span holds no key at all (inverted or empty bounds).
	 * @return {@code true} if no key lies in it
	 */
	public boolean isEmpty() {
		return this.upper != null && Arrays.compareUnsigned(this.lower, this.upper) >= 0;
	}

	/**
	 * Whether a key lies in the span.
	 * @param key a key, with the keyspace's prefix
	 * @return {@code true} if {@code lower <= key < upper}
	 */
	public boolean contains(byte[] key) {
		return Arrays.compareUnsigned(key, this.lower) >= 0
				&& (this.upper == null || Arrays.compareUnsigned(key, this.upper) < 0);
	}

}
