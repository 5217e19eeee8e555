package io.levelmutex.postgres;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A range of keys for the tests' snapshot reads ({@link TestSnapshot}): each bound absent (unbounded), inclusive or exclusive. Keys compare as
 * unsigned bytes. A range whose start lies after its end (or on it, with either bound exclusive) is empty.
 *
 * @param low the lower bound, or null for none
 * @param lowInclusive whether {@code low} itself is in the range
 * @param high the upper bound, or null for none
 * @param highInclusive whether {@code high} itself is in the range
 */
record ByteRange(byte @Nullable [] low, boolean lowInclusive, byte @Nullable [] high, boolean highInclusive) {

	static ByteRange all() {
		return new ByteRange(null, false, null, false);
	}

	/** {@code [low, high)}; {@code high == null} is unbounded (the core's span). */
	static ByteRange closedOpen(byte[] low, byte @Nullable [] high) {
		return new ByteRange(low, true, high, false);
	}

	static ByteRange closed(byte[] low, byte[] high) {
		return new ByteRange(low, true, high, true);
	}

	boolean isEmpty() {
		if (this.low == null || this.high == null) {
			return false;
		}
		int order = Arrays.compareUnsigned(this.low, this.high);
		return order > 0 || (order == 0 && !(this.lowInclusive && this.highInclusive));
	}

}
