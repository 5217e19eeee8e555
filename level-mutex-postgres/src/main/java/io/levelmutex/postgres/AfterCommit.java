package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

import io.levelmutex.StorageException;

/**
 * The work that follows a commit but must not delay it, on one thread of its own per engine: the remote-change
 * hint ({@code pg_notify}) and, every {@link #CLEAN_UP_EVERY} sequences of a keyspace, a bounded tombstone
 * clean-up. A batch's commit only records its keyspace and sequence here and returns.
 *
 * <p>Hints are sent outside every batch's transaction, from this thread's own connection, coalesced: one
 * statement (its own transaction) carries one hint per keyspace with the highest sequence committed since the
 * previous statement. A transaction that notifies takes a database-wide lock at commit (PostgreSQL's
 * {@code PreCommit_Notify}), so hints inside the batches would serialise every keyspace's commits; here at most
 * one notifying transaction of this node is in flight, and hint statements are at least a hint spacing apart
 * ({@link RemoteChangeListener#catchUpSpacing} of the poll interval: listeners space their catch-ups by it, so
 * more frequent hints would only wake them in vain); commits within it join the next statement. A keyspace's hint
 * is left out of the statement when this node's listener has heard a hint of a LATER sequence of that keyspace
 * ({@code heardHint}): that hint's commit came after this node's (sequences are in commit order), and every
 * listener catches up after hearing it, so it already tells them of this node's commit (under steady commits from
 * several nodes, each hint statement covers the others' commits made before it instead of every node sending its
 * own: measured in benchmarks/results/series-z/pg3node). A hint is only a hint: listeners also poll the sequences
 * ({@link RemoteChangeListener}), so a hint lost (failure, close) or merged delays a remote change by at most a
 * poll interval and loses nothing. So a commit is recorded for a hint only while another listener may hear it
 * ({@code othersMayListen}: the engine's listener counts the other listeners at every poll, and says yes on any
 * doubt); a node that starts listening meanwhile learns of the commits made before it was counted by its own
 * polling. Clean-ups that fail are left to the next multiple. A commit wakes the worker only if the worker is
 * waiting for work (one already awake takes the commit's hint with the others); within the hint spacing after a
 * statement the worker sleeps it out instead, and the commits meanwhile do not wake it (one wake-up per hint
 * statement under a steady stream of commits, not two); a clean-up does.
 *
 * <p>Thread-safe; {@link #close()} stops the thread (pending work is dropped).
 */
final class AfterCommit implements AutoCloseable {

	/** A tombstone clean-up of a keyspace follows every commit whose sequence is a multiple of this. */
	static final long CLEAN_UP_EVERY = 1024;

	/** The most tombstones one clean-up removes. */
	static final int CLEAN_UP_ROWS = 10_000;

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	private final TombstoneCleaner cleaner;

	/** Whether a hint may be heard by another node now; asked on the committing thread. */
	private final BooleanSupplier othersMayListen;

	/**
	 * Keyspace id -> the highest sequence of it named by a hint this node's listener heard (0: none); asked on the
	 * worker thread before each hint statement.
	 */
	private final IntToLongFunction heardHint;

	/** Keyspace id -> highest sequence committed and not yet hinted; guarded by this object's lock. */
	private final Map<Integer, Long> hints = new HashMap<>();

	/** Keyspaces due a clean-up, by id; guarded by this object's lock. */
	private final Map<Integer, PostgresKeyspace> cleanUps = new LinkedHashMap<>();

	/** Set by {@link #close()}; guarded by this object's lock. */
	private boolean closed;

	/** Whether the worker waits on this object's monitor for work; guarded by this object's lock. */
	private boolean waiting;

	/** Commits recorded for a hint; guarded by this object's lock for writes, read by tests. */
	private volatile long hintsRecorded;

	/** Notifications of the worker by commits; guarded by this object's lock for writes, read by tests. */
	private volatile long wakeUps;

	/**
	 * Whether the worker sleeps through the hint spacing after a statement, so that commits meanwhile do not wake
	 * it ({@value #SLEEPS_PROPERTY}, read when the worker is made: true unless "false", the benchmarks' A/B switch).
	 */
	private final boolean sleeps;

	/** The A/B switch of {@link #sleeps}. */
	static final String SLEEPS_PROPERTY = "io.levelmutex.postgres.hintWorkerSleeps";

	/** Hint statements sent; written by the worker thread, read by tests. */
	private volatile long hintStatements;

	/** Keyspace hints left out because a heard hint covered them; written by the worker thread, read by tests. */
	private volatile long hintsCovered;

	private final Thread thread;

	/** The least time between two hint statements. */
	private final long hintSpacingNanos;

	/** The worker's clock for the hint spacing ({@link System#nanoTime()} outside tests). */
	private final LongSupplier clock;

	/** {@link #clock} when the last hint statement was sent; worker thread only. */
	private long lastHintAt;

	/** Whether a hint statement was sent yet; worker thread only. */
	private boolean hinted;

	/** A worker that hints after every commit (no listener of its own to ask). */
	AfterCommit(Connections connections, PostgresSettings settings, PostgresSql sql, TombstoneCleaner cleaner) {
		this(connections, settings, sql, cleaner, () -> true, (id) -> 0);
	}

	/**
	 * A worker that hints after a commit only while {@code othersMayListen} says another node may hear it.
	 * @param othersMayListen asked on every commit, on the committing thread (must be cheap, never block)
	 * @param heardHint the highest sequence of a keyspace named by a hint this node's listener heard, 0 if none
	 * (asked on the worker thread; must be cheap, never block)
	 */
	AfterCommit(Connections connections, PostgresSettings settings, PostgresSql sql, TombstoneCleaner cleaner,
			BooleanSupplier othersMayListen, IntToLongFunction heardHint) {
		this(connections, settings, sql, cleaner, othersMayListen, heardHint,
				RemoteChangeListener.catchUpSpacing(settings.pollInterval()), System::nanoTime);
	}

	/**
	 * A worker with its own hint spacing and clock (tests: a clock that stands still holds every hint after the
	 * first until the test moves it).
	 */
	AfterCommit(Connections connections, PostgresSettings settings, PostgresSql sql, TombstoneCleaner cleaner,
			BooleanSupplier othersMayListen, Duration hintSpacing, LongSupplier clock) {
		this(connections, settings, sql, cleaner, othersMayListen, (id) -> 0, hintSpacing, clock);
	}

	/** A worker with its own hint spacing, clock and heard hints (tests). */
	AfterCommit(Connections connections, PostgresSettings settings, PostgresSql sql, TombstoneCleaner cleaner,
			BooleanSupplier othersMayListen, IntToLongFunction heardHint, Duration hintSpacing, LongSupplier clock) {
		this.heardHint = heardHint;
		this.sleeps = !"false".equalsIgnoreCase(System.getProperty(SLEEPS_PROPERTY));
		this.hintSpacingNanos = hintSpacing.toNanos();
		this.clock = clock;
		this.connections = connections;
		this.settings = settings;
		this.sql = sql;
		this.cleaner = cleaner;
		this.othersMayListen = othersMayListen;
		this.thread = new Thread(this::loop, "level-mutex-postgres-after-commit");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * Records a commit; returns at once.
	 * @param keyspace the keyspace
	 * @param sequence the batch's sequence
	 */
	void committed(PostgresKeyspace keyspace, long sequence) {
		boolean hint = this.othersMayListen.getAsBoolean();
		boolean cleanUp = sequence % CLEAN_UP_EVERY == 0;
		if (!hint && !cleanUp) {
			return;
		}
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (hint) {
				this.hints.merge(keyspace.id(), sequence, Math::max);
				this.hintsRecorded++;
			}
			if (cleanUp) {
				this.cleanUps.put(keyspace.id(), keyspace);
			}
			if (this.waiting || cleanUp) {
				notify();
				this.wakeUps++;
			}
		}
	}

	long hintsRecorded() {
		return this.hintsRecorded;
	}

	long wakeUps() {
		return this.wakeUps;
	}

	long hintStatements() {
		return this.hintStatements;
	}

	long hintsCovered() {
		return this.hintsCovered;
	}

	private void loop() {
		while (true) {
			Map<Integer, Long> hintsNow;
			List<PostgresKeyspace> cleanUpsNow;
			synchronized (this) {
				while (!this.closed && this.hints.isEmpty() && this.cleanUps.isEmpty()) {
					long spacingLeft = this.hinted
							? this.hintSpacingNanos - (this.clock.getAsLong() - this.lastHintAt) : 0;
					if (this.sleeps && spacingLeft > 0) {
						// No hint may go before the spacing passes: commits meanwhile join the next statement without
						// waking the worker (a clean-up and close() do).
						try {
							TimeUnit.NANOSECONDS.timedWait(this, spacingLeft);
						}
						catch (InterruptedException ex) {
							// close() interrupts; the closed flag decides.
						}
						continue;
					}
					this.waiting = true;
					try {
						wait();
					}
					catch (InterruptedException ex) {
						// close() interrupts a worker blocked elsewhere; the closed flag decides.
					}
					finally {
						this.waiting = false;
					}
				}
				if (this.closed) {
					return;
				}
				long early = this.hinted ? this.hintSpacingNanos - (this.clock.getAsLong() - this.lastHintAt) : 0;
				if (early > 0 && this.cleanUps.isEmpty()) {
					// Too soon after the last hint: the commits meanwhile join the next one (close() notifies).
					try {
						TimeUnit.NANOSECONDS.timedWait(this, early);
					}
					catch (InterruptedException ex) {
						// close() interrupts; the closed flag decides.
					}
					continue;
				}
				hintsNow = (early > 0) ? Map.of() : new HashMap<>(this.hints);
				if (early <= 0) {
					this.hints.clear();
				}
				cleanUpsNow = new ArrayList<>(this.cleanUps.values());
				this.cleanUps.clear();
			}
			if (!hintsNow.isEmpty()) {
				// A HashMap when not empty. Left out or sent, a hint went out for these commits: the next statement
				// waits a spacing (commits meanwhile may be covered by other nodes' later hints in turn).
				hintsNow.entrySet().removeIf(this::covered);
				if (!hintsNow.isEmpty()) {
					sendQuietly(hintsNow);
				}
				this.hinted = true;
				this.lastHintAt = this.clock.getAsLong();
			}
			for (PostgresKeyspace keyspace : cleanUpsNow) {
				cleanUpQuietly(keyspace);
			}
		}
	}

	/** Whether a heard hint of a later sequence of the keyspace already tells every listener (see the class comment). */
	private boolean covered(Map.Entry<Integer, Long> hint) {
		if (this.heardHint.applyAsLong(hint.getKey()) > hint.getValue()) {
			this.hintsCovered++;
			return true;
		}
		return false;
	}

	private void sendQuietly(Map<Integer, Long> hintsNow) {
		Integer[] ids = new Integer[hintsNow.size()];
		Long[] sequences = new Long[hintsNow.size()];
		int i = 0;
		for (Map.Entry<Integer, Long> hint : hintsNow.entrySet()) {
			ids[i] = hint.getKey();
			sequences[i++] = hint.getValue();
		}
		Connection connection;
		try {
			connection = this.connections.open("remote-change hints");
		}
		catch (StorageException ex) {
			return;
		}
		try {
			connection.setAutoCommit(true);
			try (PreparedStatement statement = connection.prepareStatement(this.sql.notifyCommits)) {
				statement.setString(1, this.settings.channel());
				statement.setArray(2, connection.createArrayOf("int4", ids));
				statement.setArray(3, connection.createArrayOf("int8", sequences));
				statement.executeQuery().close();
				this.hintStatements++;
			}
		}
		catch (SQLException ex) {
			// A hint only: listeners catch up by polling the sequences.
		}
		finally {
			Connections.closeQuietly(connection);
		}
	}

	private void cleanUpQuietly(PostgresKeyspace keyspace) {
		try {
			this.cleaner.cleanUp(keyspace, CLEAN_UP_ROWS);
		}
		catch (StorageException ex) {
			// The next clean-up (CLEAN_UP_EVERY sequences later) tries again; tombstones only take space meanwhile.
		}
	}

	/** Stops the worker and waits for it (at most 30 s: a statement in flight ends with its connection). */
	@Override
	public void close() {
		synchronized (this) {
			this.closed = true;
			this.hints.clear();
			this.cleanUps.clear();
			notifyAll();
		}
		this.thread.interrupt();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(30));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
