package io.levelmutex.rocksdb;

/**
 * Whether a committer's writer lingers for the returning cohort before it takes the queue ({@link GroupCommitter}):
 * only while lingering pays. A linger pays when the batches it waits for come back before its deadline, as they do in
 * a closed loop (a mutex with operations queued hands over its next batch as soon as its last one completes: issue
 * 22 measured 75-95% of lingers reaching their target at 2 x 1 up to 256 x 1). It costs when they do not: with
 * clients that pause between their writes (a lightly loaded store) most lingers wait out their deadline, up to one
 * write's duration, and delay the batches already queued for nothing (measured: 60-70% of lingers timed out, and the
 * median latency rose by half).
 *
 * <p>The rule: a score, raised by one for each linger that reached its target (to at most {@link #MAX_SCORE}) and
 * lowered by {@link #MISS_PENALTY} for each that timed out. While it is negative the writers take the queue at once;
 * after {@link #SKIPS_AFTER_MISS} such takes the score is reset to 0 and the next linger tries again. So a load whose
 * lingers mostly reach their target keeps lingering (one miss in three keeps the score up), and a load whose lingers
 * mostly time out pays for at most about one linger in {@link #SKIPS_AFTER_MISS} writes.
 *
 * <p>Not thread-safe: owned by the committer and used under its lock.
 */
final class LingerPolicy {

	/** The highest score: how many misses in a row (times the penalty) it takes to stop lingering. */
	static final int MAX_SCORE = 4;

	/** What a linger that timed out takes off the score. */
	static final int MISS_PENALTY = 2;

	/** Queue takes without lingering, once lingering stopped paying, before the next try. */
	static final int SKIPS_AFTER_MISS = 16;

	/** Reached lingers count up, timed out ones down; lingering while not negative. Starts lingering. */
	private int score;

	/** Takes that could have lingered and did not since the score went negative. */
	private int skipped;

	/**
	 * A writer could linger (fewer batches queued than its target): whether it should. A {@code false} counts as a
	 * take without lingering.
	 * @return whether to linger
	 */
	boolean shouldLinger() {
		if (this.score >= 0) {
			return true;
		}
		if (++this.skipped >= SKIPS_AFTER_MISS) {
			this.skipped = 0;
			this.score = 0; // the next take tries again
		}
		return false;
	}

	/**
	 * A linger ended (not by a close).
	 * @param reached whether its target was queued before its deadline
	 */
	void lingered(boolean reached) {
		if (reached) {
			this.score = Math.min(MAX_SCORE, this.score + 1);
		}
		else {
			this.score -= MISS_PENALTY;
			this.skipped = 0;
		}
	}

	/** @return the score (for tests) */
	int score() {
		return this.score;
	}

}
