package io.levelmutex.engine;

import java.util.List;

/**
 * Every read of one read phase (or of one prefetch for a batch's updates), known before any of them runs, so that
 * an engine can answer them all at once, on one consistent state ({@link KeyspaceStorage#read(ReadPlan)}). Keys
 * include the keyspace's {@link KeyspaceStorage#keyPrefix()}. Immutable; the arrays are shared: do not modify them.
 *
 * @param keys the point reads, in the order their values are returned; duplicates allowed (each gets its own
 * answer)
 * @param scans the range reads, in the order their entries are returned
 */
public record ReadPlan(List<byte[]> keys, List<Scan> scans) {

	/** A plan without reads: {@link KeyspaceStorage#read(ReadPlan)} then only tells the sequence. */
	public static final ReadPlan NONE = new ReadPlan(List.of(), List.of());

	/**
	 * Copies the lists (not the arrays).
	 * @param keys the keys, as described above
	 * @param scans the scans, as described above
	 */
	public ReadPlan {
		keys = List.copyOf(keys);
		scans = List.copyOf(scans);
	}

	/**
	 * A plan of one point read.
	 * @param key the key
	 * @return the plan
	 */
	public static ReadPlan get(byte[] key) {
		return new ReadPlan(List.of(key), List.of());
	}

	/**
	 * A plan of one range read.
	 * @param scan the scan
	 * @return the plan
	 */
	public static ReadPlan scan(Scan scan) {
		return new ReadPlan(List.of(), List.of(scan));
	}

	/**
	 * Whether the plan holds no read.
	 * @return {@code true} if it has neither keys nor scans
	 */
	public boolean isEmpty() {
		return this.keys.isEmpty() && this.scans.isEmpty();
	}

	/**
	 * One range read: up to {@code limit} entries of a span (keys {@code lower <= key < upper}) in unsigned
	 * lexicographic key order, ascending from {@code lower} or descending from below {@code upper}. An empty or
	 * inverted span has no entry; it is not an error.
	 *
	 * @param span the keys that may be returned
	 * @param limit the most entries to return, at least 1
	 * @param ascending ascending from the span's {@code lower}, or descending from below its {@code upper}
	 */
	public record Scan(KeySpan span, int limit, boolean ascending) {

		/**
		 * Checks the limit.
		 * @param span the span, as described above
		 * @param limit the limit, as described above
		 * @param ascending the ascending, as described above
		 * @throws IllegalArgumentException if {@code limit < 1}
		 */
		public Scan {
			if (limit < 1) {
				throw new IllegalArgumentException("A scan needs a limit of at least 1, not " + limit);
			}
		}

		/**
		 * Whether no key lies in the span (its lower bound is not below its upper bound).
		 * @return {@code true} if the scan can find nothing
		 */
		public boolean isEmpty() {
			return this.span.isEmpty();
		}

	}

}
