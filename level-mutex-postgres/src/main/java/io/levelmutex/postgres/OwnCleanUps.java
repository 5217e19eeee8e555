package io.levelmutex.postgres;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which of this node's tombstone clean-ups ({@link TombstoneCleaner}) ran while a commit was in flight: the commit
 * route asks it whether the keyspace lock a commit met held may have been this node's own clean-up's
 * ({@link CommitRoute#replied(boolean, boolean, long, boolean, boolean)}). Per keyspace, two counters: clean-ups
 * started and ended. A commit takes a {@link #mark} before its first statement; {@link #ranSince} then says whether
 * a clean-up of the keyspace was running at the mark or started after it (the commit's whole call is covered: the
 * clean-up's transaction lies between its {@link #started} and {@link #ended}). It answers "may have been", never
 * "was": another connection may have held the lock at the same time (the route's sequence check covers the case
 * that matters, another node's commit).
 *
 * <p>Thread-safe, lock-free: the counters are atomic; the cleaner (the after-commit thread) writes them, committing
 * threads read them.
 */
final class OwnCleanUps {

	/** {@link #mark}'s answer while a clean-up of the keyspace runs. */
	static final long RUNNING = -1;

	/** Keyspace id -> {started, ended}. */
	private final ConcurrentHashMap<Integer, AtomicLong[]> counters = new ConcurrentHashMap<>();

	private AtomicLong[] of(int keyspace) {
		return this.counters.computeIfAbsent(keyspace, (id) -> new AtomicLong[] { new AtomicLong(), new AtomicLong() });
	}

	/** A clean-up of the keyspace is about to send its first statement. */
	void started(int keyspace) {
		of(keyspace)[0].incrementAndGet();
	}

	/** A clean-up of the keyspace ended (committed, rolled back or failed: its transaction is over). */
	void ended(int keyspace) {
		of(keyspace)[1].incrementAndGet();
	}

	/**
	 * The keyspace's clean-up state now, for {@link #ranSince}.
	 * @return {@link #RUNNING} while a clean-up of it runs, else the number of its clean-ups started
	 */
	long mark(int keyspace) {
		AtomicLong[] c = this.counters.get(keyspace);
		if (c == null) {
			return 0;
		}
		long ended = c[1].get(); // ended first: a clean-up that starts in between reads as running
		long started = c[0].get();
		return (started != ended) ? RUNNING : started;
	}

	/**
	 * Whether a clean-up of the keyspace ran at some time since the mark was taken.
	 * @param mark what {@link #mark} returned
	 */
	boolean ranSince(int keyspace, long mark) {
		if (mark == RUNNING) {
			return true;
		}
		AtomicLong[] c = this.counters.get(keyspace);
		return c != null && c[0].get() != mark;
	}

}
