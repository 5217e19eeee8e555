package io.levelmutex;

import java.util.ArrayList;

/** Lists a cycle reuses from one phase to the next, emptied between phases. */
final class ReusedLists {

	/** The largest list kept for the next phase; a larger one (a burst) is dropped so its array can go. */
	static final int MAX_KEPT = 4096;

	private ReusedLists() {
	}

	/**
	 * The list to use for the next phase: {@code used}, emptied, or a new one if a burst grew it past
	 * {@link #MAX_KEPT}. Either way it holds none of the finished phase's elements.
	 */
	static <T> ArrayList<T> emptied(ArrayList<T> used) {
		if (used.size() > MAX_KEPT) {
			return new ArrayList<>();
		}
		used.clear();
		return used;
	}

}
