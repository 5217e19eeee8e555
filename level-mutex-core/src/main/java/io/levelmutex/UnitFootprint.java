package io.levelmutex;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a conditional write read: single keys, spans of keys a peek examined, and the earlier
 * units of the same phase whose writes it saw. Owned by the cycle thread.
 */
final class UnitFootprint {

	final List<byte[]> keys = new ArrayList<>();

	/** Pairs {@code [low, high)}; {@code high == null} is unbounded. */
	final List<byte @Nullable [][]> spans = new ArrayList<>();

	final Set<UnitWrite<?>> dependencies = new LinkedHashSet<>();

	void key(byte[] key) {
		this.keys.add(key);
	}

	void span(byte[] low, byte @Nullable [] high) {
		this.spans.add(new byte[][] { low, high });
	}

}
