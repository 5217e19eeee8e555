package io.levelmutex.postgres;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote-change listener's wait for other nodes' WAL flushes, instead of a flush of its own: what a catch-up
 * read but could not deliver yet, and the WAL insert position read after that read's snapshot. Every batch the read
 * saw has its commit record before that position, so all of them are durable once the server's flush position
 * reaches it (WAL is flushed in order). A catch-up that sees batches committed without their flush
 * ({@link DurableSequences#mustFlush}) keeps them back ({@link Step#DEFER}) unless the flush position already passed
 * its insert position ({@link Step#DELIVER}); the next catch-up delivers them if the flush position passed the kept
 * position meanwhile, and otherwise flushes ({@link Step#FLUSH}): so nothing waits more than one catch-up for
 * another node's flush. Listener thread only (not thread-safe).
 */
final class FlushWait {

	/** What a catch-up does before it delivers. */
	enum Step {

		/** Deliver what is known durable (everything read, unless a head was committed without its flush). */
		DELIVER,

		/** Keep back what is not known durable until the next catch-up. */
		DEFER,

		/** Run one flush, then everything read is durable. */
		FLUSH

	}

	private final DurableSequences durable;

	/** Keyspace id -> head kept back by the last catch-up. */
	private final Map<Integer, Long> kept = new HashMap<>();

	/** The WAL insert position read with {@link #kept}; -1 when nothing is kept. */
	private long keptLsn = -1;

	FlushWait(DurableSequences durable) {
		this.durable = durable;
	}

	/**
	 * Decides what a catch-up does with what it read, first raising the known durable sequences to the heads the
	 * previous catch-up kept back if the flush position passed them. After {@link Step#DELIVER} every head read is
	 * raised if it had to be; after {@link Step#FLUSH} the caller flushes and then calls {@link #flushed}.
	 * @param mustFlush whether a head read was committed without its flush and is not known durable
	 * @param heads the heads read, as {keyspace id, sequence}
	 * @param insertLsn the WAL insert position read after the read's snapshot
	 * @param flushLsn the WAL flush position read with it, or -1 if none may be waited for (synchronous standbys
	 * named: only a commit of this node's own waits for them)
	 * @return the step
	 */
	Step next(boolean mustFlush, List<long[]> heads, long insertLsn, long flushLsn) {
		boolean waitedOnce = this.keptLsn >= 0 && flushLsn < this.keptLsn;
		if (this.keptLsn >= 0 && !waitedOnce) {
			this.kept.forEach(this.durable::raise);
		}
		clear();
		if (!mustFlush) {
			return Step.DELIVER;
		}
		if (flushLsn < 0) {
			// No flush position to wait for (synchronous standbys: a commit is durable once they confirm it).
			return Step.FLUSH;
		}
		if (flushLsn >= insertLsn) {
			flushed(heads);
			return Step.DELIVER;
		}
		if (waitedOnce) {
			return Step.FLUSH;
		}
		for (long[] head : heads) {
			this.kept.put((int) head[0], head[1]);
		}
		this.keptLsn = insertLsn;
		return Step.DEFER;
	}

	/**
	 * Records that every head read is durable (a flush started after the read completed).
	 * @param heads the heads read, as {keyspace id, sequence}
	 */
	void flushed(List<long[]> heads) {
		for (long[] head : heads) {
			this.durable.raise((int) head[0], head[1]);
		}
	}

	/** Whether heads are kept back for the next catch-up. */
	boolean waiting() {
		return this.keptLsn >= 0;
	}

	/** Forgets what is kept back (a new connection: the positions may be another server life's). */
	void clear() {
		this.kept.clear();
		this.keptLsn = -1;
	}

}
