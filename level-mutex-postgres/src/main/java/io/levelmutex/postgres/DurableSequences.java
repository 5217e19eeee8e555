package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one node knows to be durable, per keyspace, and the statement that makes everything it has seen durable.
 * A commit that met its keyspace's lock held commits without waiting for its WAL flush (the schema's commit
 * function, "contention-adaptive commit"), so another node may SEE a batch before it is durable: nothing read is
 * handed out (read results, snapshots, remote-change events) before it is. The rules, from PostgreSQL's
 * {@code RecordTransactionCommit} (xact.c) and {@code XLogFlush} (WAL is flushed in order, up to an LSN):
 * <ul>
 * <li>A transaction committed with {@code synchronous_commit} on that wrote WAL under an xid flushes the WAL up to
 * its commit record BEFORE it becomes visible (the flush precedes {@code ProcArrayEndTransaction}); every batch
 * visible before it has its commit record earlier in the WAL. So a read whose last visible batch was synchronous
 * ({@code async_seq < seq}) saw only durable batches, and so does a node whose own synchronous commit returned.</li>
 * <li>A read whose last visible batch was not flushed ({@code async_seq = seq}) is made durable by
 * {@link #flush}: a transaction STARTED after the read, writing WAL under an xid
 * ({@code pg_logical_emit_message(true, ...)}: it takes an xid and writes a record at any {@code wal_level}; a bare
 * {@code pg_current_xact_id()} writes no WAL before its commit record, so its COMMIT is not flushed) and committed
 * with {@code synchronous_commit} on: its commit record follows every commit record the read saw.</li>
 * </ul>
 * A read or snapshot that saw such a batch does not flush when its own statement shows the WAL already flushed
 * past it ({@link #mustFlush(int, Seen, long, long)}): the statement also returns the server's WAL insert position,
 * read after its snapshot (every commit record the snapshot saw lies before it: a commit record is inserted before
 * its transaction becomes visible), and the WAL flush position; a flush position at or past that insert position
 * means every batch the read saw is durable (WAL is flushed in order), normally by its writer's own flush
 * statement. While the server names synchronous standbys a local flush is not a durable commit, so the positions
 * are not used (the statement returns none) and the read flushes, as a synchronous commit of its own waits for
 * them. {@value #POSITIONS_PROPERTY}{@code =false} turns the positions off (reads flush as before; an A/B switch).
 * Keyspaces whose commits never meet a held lock never set {@code async_seq}, so their readers never flush.
 * Thread-safe: the known sequences only rise.
 */
final class DurableSequences {

	/** Keyspace id -> the highest sequence this node knows durable; raised by any thread. */
	private final Map<Integer, AtomicLong> durable = new ConcurrentHashMap<>();

	/** The system property that turns the reads' WAL positions off ({@code false}); read as an engine opens. */
	static final String POSITIONS_PROPERTY = "io.levelmutex.postgres.readFlushPositions";

	/** Flush statements run; incremented by any thread, read by tests and probes. */
	private final AtomicLong flushes = new AtomicLong();

	/** Reads and snapshots that saw a batch committed without its flush and not known durable; any thread. */
	private final AtomicLong unflushedReads = new AtomicLong();

	/** Of those, the ones whose WAL positions showed it flushed already (no flush statement); any thread. */
	private final AtomicLong flushedByPosition = new AtomicLong();

	private final PostgresSql sql;

	/** Whether reads trust the WAL positions their statement returned ({@link #POSITIONS_PROPERTY}). */
	private final boolean positions;

	/** As the system property {@value #POSITIONS_PROPERTY} says (on unless it is {@code false}). */
	DurableSequences(PostgresSql sql) {
		this(sql, Boolean.parseBoolean(System.getProperty(POSITIONS_PROPERTY, "true")));
	}

	/**
	 * Durable sequences.
	 * @param sql the statements
	 * @param positions whether a read that returned the WAL positions skips its flush when they show its batches
	 * flushed
	 */
	DurableSequences(PostgresSql sql, boolean positions) {
		this.sql = sql;
		this.positions = positions;
	}

	/**
	 * A keyspace's sequence as a read saw it, and whether the batch with that sequence committed without waiting
	 * for its flush ({@code async_seq = seq}).
	 * @param sequence the sequence
	 * @param unflushed whether that batch committed without its flush
	 */
	record Seen(long sequence, boolean unflushed) {
	}

	/**
	 * What a read saw tells about durability: its keyspace's sequence and whether the last batch was committed
	 * without its flush. A synchronous last batch raises the known durable sequence to it.
	 * @param keyspaceId the keyspace
	 * @param seen what the read saw
	 * @return whether {@link #flush} must run before what the read saw is handed out
	 */
	boolean mustFlush(int keyspaceId, Seen seen) {
		if (!seen.unflushed()) {
			raise(keyspaceId, seen.sequence());
			return false;
		}
		return seen.sequence() > durable(keyspaceId);
	}

	/**
	 * What a read or snapshot saw, with the WAL positions its statement read after its snapshot: as
	 * {@link #mustFlush(int, Seen)}, but a batch committed without its flush needs no flush statement when the flush
	 * position is at or past the insert position (then the known durable sequence is raised to it).
	 * @param keyspaceId the keyspace
	 * @param seen what the read saw
	 * @param insertLsn the WAL insert position read after the read's snapshot, or -1 if none was read
	 * @param flushLsn the WAL flush position read in the same statement, or -1 if none may be used (synchronous
	 * standbys named)
	 * @return whether {@link #flush} must run before what the read saw is handed out
	 */
	boolean mustFlush(int keyspaceId, Seen seen, long insertLsn, long flushLsn) {
		if (!mustFlush(keyspaceId, seen)) {
			return false;
		}
		this.unflushedReads.incrementAndGet();
		if (this.positions && insertLsn >= 0 && flushLsn >= 0 && flushLsn >= insertLsn) {
			this.flushedByPosition.incrementAndGet();
			raise(keyspaceId, seen.sequence());
			return false;
		}
		return true;
	}

	/**
	 * Records that every batch of the keyspace up to {@code sequence} is durable.
	 * @param keyspaceId the keyspace
	 * @param sequence a durable sequence
	 */
	void raise(int keyspaceId, long sequence) {
		AtomicLong known = this.durable.computeIfAbsent(keyspaceId, (id) -> new AtomicLong());
		known.accumulateAndGet(sequence, Math::max);
	}

	/**
	 * The highest sequence of the keyspace this node knows durable.
	 * @param keyspaceId the keyspace
	 * @return the sequence, 0 if none is known
	 */
	long durable(int keyspaceId) {
		AtomicLong known = this.durable.get(keyspaceId);
		return (known == null) ? 0 : known.get();
	}

	/**
	 * Makes every batch committed before this call durable: ONE statement in autocommit
	 * ({@link PostgresSql#flushWal}), on a connection in autocommit.
	 * @param connection a connection in autocommit
	 * @throws SQLException if the statement failed (durability then unknown)
	 */
	void flush(Connection connection) throws SQLException {
		this.flushes.incrementAndGet();
		try (Statement statement = connection.createStatement()) {
			statement.execute(this.sql.flushWal);
		}
	}

	/** Flush statements run by this node (tests, probes). */
	long flushes() {
		return this.flushes.get();
	}

	/**
	 * Reads and snapshots (with positions) that saw a batch committed without its flush above what this node knew
	 * durable (tests, probes).
	 */
	long unflushedReads() {
		return this.unflushedReads.get();
	}

	/** Of {@link #unflushedReads}, those that needed no flush: the WAL was flushed past them (tests, probes). */
	long flushedByPosition() {
		return this.flushedByPosition.get();
	}

}
