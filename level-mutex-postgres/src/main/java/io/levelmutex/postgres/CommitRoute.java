package io.levelmutex.postgres;

/**
 * Which statement commits a keyspace's next batch on this node: the commit function (or, for one write, the plain
 * statement), which holds the keyspace's lock through its WAL flush when it finds the lock free; or the
 * released-commit procedure ({@link PostgresSql#commitReleased}), which releases the lock before the flush and
 * flushes in a second transaction, in the same round trip.
 *
 * <p>Why both: alone on a keyspace, a commit that holds the lock through its flush is the cheapest (one
 * transaction: the procedure's second one costs an uncontended commit more server time); when other nodes commit to
 * the same keyspace, a lock held through a flush makes every other node's commit wait for that flush too, and the
 * function's own answer to a held lock (commit without the flush, then a second statement) costs a second round
 * trip. So: the function while commits find the lock free; once one finds it held (the function replies
 * {@code flushed = false}), the next {@value #RELEASED_RUN} commits go through the procedure; then one goes through
 * the function again, which tells whether the keyspace is still contended.
 *
 * <p>Owned by the keyspace's mutex cycle: its commits run one at a time, possibly on different threads (hence
 * volatile, never updated concurrently).
 */
final class CommitRoute {

	/** Commits sent through the procedure after the function met the keyspace's lock held. */
	static final int RELEASED_RUN = 32;

	/** Commits left to send through the procedure; 0: through the function. Written by the owning cycle only. */
	private volatile int releasedLeft;

	/**
	 * Whether the next commit goes through the released-commit procedure.
	 * @return true for the procedure, false for the function (or the one-write statement)
	 */
	boolean released() {
		return this.releasedLeft > 0;
	}

	/**
	 * A commit returned its reply.
	 * @param released whether it went through the procedure
	 * @param flushed what it replied: false when the function met the lock held and committed without its flush
	 */
	void replied(boolean released, boolean flushed) {
		if (released) {
			this.releasedLeft = Math.max(0, this.releasedLeft - 1);
		}
		else if (!flushed) {
			this.releasedLeft = RELEASED_RUN;
		}
	}

}
