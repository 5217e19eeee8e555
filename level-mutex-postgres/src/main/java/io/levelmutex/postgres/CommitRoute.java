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
 * trip. So: the function while this node is the keyspace's only writer; the procedure for the next
 * {@value #RELEASED_RUN} commits once the keyspace shows another writer, which it does in two ways: the function
 * met the lock held (it replies {@code flushed = false}), or the sequence of a batch of blind writes is not the one
 * right after this node's previous commit (another writer committed in between: the keyspace's sequence is
 * gapless). Every commit that shows another writer starts the run again, so while other nodes keep committing
 * blind batches every commit goes through the procedure (its lock held only for the apply); after a run of commits
 * that follow one another without another writer's, one goes through the function again. Before the gap rule, the
 * route went back to the function after every run: at three nodes on one keyspace the function then mostly found
 * the lock free between two other commits and held it through its flush (0.06-0.13 function calls per batch in
 * {@code Pg3NodeProbe}), which made the other nodes wait for that flush: blind puts at 3 nodes ran 1.13-1.43x
 * faster with the rule (4 of 5 alternated rounds, shared machine). Batches with updates keep the earlier rule
 * (only a held lock starts a run): there, with reads between commits, the keyspace's lock is less contended, and
 * W2 updates at 3 nodes measured 0.46-1.11x with the gap rule (median 0.93, 10 rounds).
 * {@code -Dio.levelmutex.postgres.releasedOnGaps=false} turns the gap rule off (the benchmarks' A/B switch; read
 * when a keyspace is opened).
 *
 * <p>A lock held by this node's OWN tombstone clean-up ({@link TombstoneCleaner}, which follows every
 * {@link AfterCommit#CLEAN_UP_EVERY}-th commit of the keyspace on the after-commit thread, right when the next
 * commit starts) is not another writer: when the function met the lock held, a clean-up of the keyspace by this
 * node ran during the call ({@link OwnCleanUps}), and the commit's sequence follows this node's previous one (no
 * other node committed in between), the reply does not start a run. Before this rule, every clean-up that a lone
 * writer's commit met sent its next {@value #RELEASED_RUN} commits through the procedure (about 2% of a C=1
 * writer's commits, series AC). A lock that another node's commit held still starts the run: that commit took a
 * sequence, so the gap shows it. {@code -Dio.levelmutex.postgres.ownCleanUpStartsRun=true} restores the rule before
 * (any held lock starts a run; the benchmarks' A/B switch, read when a keyspace is opened).
 *
 * <p>Owned by the keyspace's mutex cycle: its commits run one at a time, possibly on different threads (hence
 * volatile, never updated concurrently).
 */
final class CommitRoute {

	/** Commits sent through the procedure after the keyspace showed another writer. */
	static final int RELEASED_RUN = 32;

	/** The system property that turns the gap rule off (see the class comment); on by default. */
	static final String RELEASED_ON_GAPS_PROPERTY = "io.levelmutex.postgres.releasedOnGaps";

	/**
	 * The system property that makes a lock held by this node's own clean-up start a run as any held lock does
	 * (see the class comment); off by default.
	 */
	static final String OWN_CLEAN_UP_STARTS_RUN_PROPERTY = "io.levelmutex.postgres.ownCleanUpStartsRun";

	/** Whether a sequence gap before a blind batch's commit starts a released run. */
	private final boolean onGaps;

	/** Whether a held lock that may have been this node's own clean-up's starts a run as well. */
	private final boolean ownCleanUpStartsRun;

	/** Commits left to send through the procedure; 0: through the function. Written by the owning cycle only. */
	private volatile int releasedLeft;

	/** This node's last committed sequence of the keyspace, or -1 if unknown. Written by the owning cycle only. */
	private volatile long lastSequence = -1;

	/** A route with the gap rule and the own clean-up's rule as the system properties say. */
	CommitRoute() {
		this(Boolean.parseBoolean(System.getProperty(RELEASED_ON_GAPS_PROPERTY, "true")),
				Boolean.getBoolean(OWN_CLEAN_UP_STARTS_RUN_PROPERTY));
	}

	/**
	 * A route.
	 * @param onGaps whether a blind batch's commit whose sequence shows another writer's commit since this node's
	 * previous one starts a released run (as a contended reply of the function does)
	 */
	CommitRoute(boolean onGaps) {
		this(onGaps, false);
	}

	/**
	 * A route.
	 * @param onGaps as {@link #CommitRoute(boolean)}
	 * @param ownCleanUpStartsRun whether a held lock that may have been this node's own clean-up's starts a run
	 * too (the rule before; see the class comment)
	 */
	CommitRoute(boolean onGaps, boolean ownCleanUpStartsRun) {
		this.onGaps = onGaps;
		this.ownCleanUpStartsRun = ownCleanUpStartsRun;
	}

	/**
	 * Whether the next commit goes through the released-commit procedure.
	 * @return true for the procedure, false for the function (or the one-write statement)
	 */
	boolean released() {
		return this.releasedLeft > 0;
	}

	/**
	 * {@link #replied(boolean, boolean, long, boolean, boolean)} of a call during which no clean-up of the keyspace
	 * by this node ran.
	 */
	void replied(boolean released, boolean flushed, long sequence, boolean blind) {
		replied(released, flushed, sequence, blind, false);
	}

	/**
	 * A commit through the function or the procedure returned its reply.
	 * @param released whether it went through the procedure
	 * @param flushed what it replied: false when the function met the lock held and committed without its flush
	 * @param sequence the sequence it committed at, or -1 if it committed nothing
	 * @param blind whether the batch had no updates (only such a batch's gap starts a run)
	 * @param ownCleanUp whether a clean-up of the keyspace by this node ran during the call ({@link OwnCleanUps}):
	 * the lock it met may have been that clean-up's
	 */
	void replied(boolean released, boolean flushed, long sequence, boolean blind, boolean ownCleanUp) {
		boolean follows = sequence > 0 && this.lastSequence > 0 && sequence == this.lastSequence + 1;
		boolean otherWriter = this.onGaps && blind && sequence > 0 && this.lastSequence > 0 && !follows;
		// Met the lock of this node's own clean-up: no other node committed since this node's previous commit.
		boolean ownLock = ownCleanUp && follows && !this.ownCleanUpStartsRun;
		this.lastSequence = sequence;
		if ((!released && !flushed && !ownLock) || otherWriter) {
			this.releasedLeft = RELEASED_RUN;
		}
		else if (released) {
			this.releasedLeft = Math.max(0, this.releasedLeft - 1);
		}
	}

	/**
	 * This node committed the keyspace's batch at a sequence by another statement (the one-write statement, or a
	 * joined commit): the next reply's gap is measured from it; the route is not changed.
	 * @param sequence the sequence committed
	 */
	void committedAt(long sequence) {
		this.lastSequence = sequence;
	}

}
