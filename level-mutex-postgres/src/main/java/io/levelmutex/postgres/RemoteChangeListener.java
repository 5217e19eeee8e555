package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One per node: a thread on its own connection that LISTENs on the settings' channel and, on every
 * notification and at least every {@link PostgresSettings#pollInterval()}, reads the sequences of the watched
 * keyspaces and delivers what other nodes committed since the last sequence it saw, as {@link RemoteChange}
 * ranges in sequence order, each sequence exactly once. Notifications are hints only: the ranges come from the
 * keyspace table, so a missed notification or a lost connection (reconnected within the connect wait, again
 * and again until closed) delays delivery to the next poll but loses nothing. The node's own commits are
 * recognised by its node id in the batch log and left out. The one exception (stated in the README): an own batch
 * the listener was not told of ({@link #committed}: a batch of unknown outcome, or one more than {@link #MAX_OWN}
 * sequences ahead of the listener) whose batch-log row the clean-up removed before the listener read it (the
 * listener lagged the keyspace by the tombstone retention or more) is delivered as remote; nothing left says whose
 * it was ({@code UnknownOutcomeDeliveryTest}). The sequences this node's storages committed are also told
 * to the listener ({@link #committed}): a notification, or a range, that holds only those is handled without a
 * statement (the node's own hints wake the listener after every commit; at C=1 that was two statements per
 * batch), and the sequences are still read at least every poll interval. At least every poll interval the
 * listener also counts the database's other listener sessions (by {@link #APPLICATION_NAME}), so that the node
 * hints only while another node may hear it ({@link #othersMayListen()}).
 *
 * <p>Catch-ups are spaced: a notification that arrives less than {@link #catchUpSpacing} after the previous
 * catch-up waits for it to pass, and every notification that arrives meanwhile joins that one catch-up (the
 * spacing is at most {@link #MAX_CATCH_UP_SPACING} and a tenth of the poll interval, so delivery stays well within
 * a poll interval). Under a steady stream of other nodes' commits the listener reads at most once per spacing,
 * however many batches the stream carries. Within the spacing the listener's thread sleeps and leaves the
 * notifications that arrive in its connection; one read after the spacing takes them all (a stream of notifications
 * wakes it about once per spacing, not once per notification: measured in benchmarks/results/series-ad/pg3cpu).
 *
 * <p>Own commit replies cover other nodes' sequences ({@value #COVER_PROPERTY}, on unless "false"): a keyspace's
 * sequence is gapless (a commit at S means every sequence below S committed), and each keyspace storage tells its
 * registration when a commit begins ({@link #committing}) and how it settled ({@link #committed(Watched, long)},
 * {@link #notCommitted}, {@link #failed}). Once no commit of the registration is in flight, every own sequence up to
 * the highest one told is known ({@link Watched#covered}), so every other sequence up to it is another node's: a
 * hint naming one is delivered without a statement, up to what this node knows durable (its own flushed commits
 * raise that; an own commit that returned before its flush covers nothing until its flush is known). A catch-up due
 * for a hint beyond it waits, at most one spacing after the hint was read and only while this node commits to that
 * keyspace (a commit in flight or one told within the spacing), for the next own reply to cover it; a node that does
 * not commit catches up as before. A failed commit (its outcome perhaps unknown: it may commit later, at any
 * sequence) or an own sequence not remembered ({@link #MAX_OWN}) ends the rule for that registration: the batch log
 * tells, as before. A read whose notifications needed no catch-up starts the spacing as a catch-up does.
 *
 * <p>Nothing is delivered before it is durable. When a watched keyspace's last batch to deliver committed without
 * waiting for its WAL flush (a contended commit) and this node does not know it durable yet, the listener does not
 * write WAL of its own at first: the catch-up's statement also read the server's WAL insert position after its
 * snapshot (every batch it saw has its commit record before it) and the WAL flush position. If the flush position
 * has passed the insert position, everything read is durable; otherwise the listener delivers what it knows durable
 * and keeps the rest for the next catch-up, one spacing later, by when the committing node's own flush has
 * normally passed it. Only if it has not does the listener run ONE flush statement on its connection
 * ({@link DurableSequences}) before it delivers the rest. So a remote batch costs this node no WAL flush while its
 * writer's flush comes within a spacing, and is delivered at most two spacings (and a flush) after it was seen.
 * While the server names synchronous standbys ({@code synchronous_standby_names}) a local flush is not a durable
 * commit, so the listener flushes at once, as a synchronous commit of its own waits for them.
 *
 * <p>The callback runs on the listener's thread; an exception it throws is counted and does not stop delivery.
 */
final class RemoteChangeListener implements AutoCloseable {

	static final String APPLICATION_NAME = "level-mutex-listener";

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	private final UUID nodeId;

	private final Consumer<RemoteChange> callback;

	private final DurableSequences durable;

	/** Keyspace id -> last sequence handled; written by {@link #watch} and by the listener thread. */
	private final Map<Integer, Watched> watched = new ConcurrentHashMap<>();

	private final Thread thread;

	/** Callback exceptions; incremented by the listener thread, read by anyone. */
	private final AtomicLong callbackFailures = new AtomicLong();

	/** Lost listener connections; incremented by the listener thread, read by anyone. */
	private final AtomicLong reconnects = new AtomicLong();

	/** Catch-ups (reads of the watched keyspaces' sequences); incremented by the listener thread, read by tests. */
	private final AtomicLong catchUps = new AtomicLong();

	/** {@link System#nanoTime()} of the last successful catch-up; written by the listener thread. */
	private volatile long lastCatchUpNanos;

	/**
	 * Whether another listener may hear hints ({@link #othersMayListen()}); written by the listener thread only,
	 * read by the after-commit worker's callers. Starts true: unknown counts as "someone listens".
	 */
	private volatile boolean othersMayListen = true;

	/**
	 * Keyspace id -> the highest sequence named by a hint this listener heard (any node's, its own too); raised by
	 * the listener thread, read by the after-commit worker ({@link #heardHint}).
	 */
	private final Map<Integer, Long> heardHints = new ConcurrentHashMap<>();

	/** Counts of the other listeners made; incremented by the listener thread, read by tests. */
	private final AtomicLong listenerCounts = new AtomicLong();

	/** Notifications received on the channel, any payload; incremented by the listener thread, read by tests. */
	private final AtomicLong notificationsHeard = new AtomicLong();

	/** Reads that returned notifications (one or more); incremented by the listener thread, read by tests. */
	private final AtomicLong notificationReads = new AtomicLong();

	/** Returns from the listener's waits (for notifications or for the spacing); listener thread, read by probes. */
	private final AtomicLong wakeUps = new AtomicLong();

	/**
	 * Whether notifications are drained once per spacing ({@link #drainedStep}) rather than read as they arrive
	 * ({@link #eagerStep}); {@value #DRAIN_PROPERTY}, read when the listener is made (true unless "false").
	 */
	private final boolean drain;

	/** The A/B switch of {@link #drain} (the benchmarks' comparison; no user setting). */
	static final String DRAIN_PROPERTY = "io.levelmutex.postgres.drainNotifications";

	/**
	 * Whether this node's own commit replies cover other nodes' sequences ({@link #deliverCovered}): a hint naming a
	 * sequence at or below {@link Watched#covered} (and durable) is delivered without a catch-up statement, and a
	 * catch-up due for a hint beyond it waits up to a spacing for an own commit to cover it while the node commits
	 * to that keyspace; {@value #COVER_PROPERTY}, read when the listener is made (true unless "false").
	 */
	private final boolean ownRepliesCover;

	/** The A/B switch of {@link #ownRepliesCover} (the benchmarks' comparison; no user setting). */
	static final String COVER_PROPERTY = "io.levelmutex.postgres.ownRepliesCoverCatchUps";

	/** Deliveries without a statement ({@link #deliverCovered}); incremented by the listener thread, read by tests. */
	private final AtomicLong coveredDeliveries = new AtomicLong();

	/** Waits of the listener for an own commit to cover a hint; listener thread, read by tests and probes. */
	private final AtomicLong coverWaits = new AtomicLong();

	/** Whether the listener thread waits for an own commit to cover a hint (a commit then unparks it). */
	private volatile boolean awaitingCover;

	/**
	 * {@link #clock} when a hint beyond what own commits covered was first read since the last catch-up; a catch-up
	 * for it waits for a cover until one spacing after it. Listener thread only.
	 */
	private long uncoveredSince = NOT_UNCOVERED;

	/** {@link #uncoveredSince} while no hint waits for a cover. */
	private static final long NOT_UNCOVERED = Long.MIN_VALUE;

	/** Whether a notification since the last catch-up was not a hint (it cannot be covered). Listener thread only. */
	private boolean otherNotice;

	/**
	 * {@link #clock} at the last read whose notifications own commits covered (no catch-up followed): the drained
	 * listener sleeps a spacing after it as after a catch-up. Listener thread only.
	 */
	private long restFrom;

	/** {@link System#nanoTime()} of the last count of the other listeners; listener thread only. */
	private long lastCountNanos;

	/** Set by {@link #close()}; read by the listener thread. */
	private volatile boolean closed;

	/**
	 * The listener thread's current connection, borrowed from the pool; written by the listener thread only,
	 * aborted by {@link #close()} to wake the thread. Only the listener thread closes it (gives it back).
	 */
	private volatile @Nullable Connection connection;

	/** The widest span of own sequences remembered per keyspace (past it, the batch log tells). */
	static final int MAX_OWN = 10_000;

	/** The longest {@link #catchUpSpacing}, whatever the poll interval. */
	static final Duration MAX_CATCH_UP_SPACING = Duration.ofMillis(20);

	/** The least time between two catch-ups that notifications start (polls and deferred deliveries too). */
	private final long spacingNanos;

	/** The listener thread's clock for spacing and polling ({@link System#nanoTime()} outside tests). */
	private final LongSupplier clock;

	/** {@link #clock} at the last catch-up's start; listener thread only. */
	private long lastCatchUpAt;

	/** What a catch-up kept back until another node's WAL flush passes it; listener thread only. */
	private final FlushWait flushWait;

	/** A keyspace's registration with the listener ({@link #watch}, {@link #unwatch}). */
	static final class Watched {

		final PostgresKeyspace keyspace;

		final Consumer<RemoteChange> sink;

		/** Owned by the listener thread after registration. */
		volatile long seen;

		/**
		 * Cleared by {@link #unwatch}, or by a {@link #watch} that replaced this registration, under this object's
		 * lock; read by the listener thread under it.
		 */
		boolean active = true;

		/**
		 * Sequences this node committed above {@link #seen}, as its storages learned them: added by their commits
		 * (any thread), removed by the listener thread as {@link #seen} passes them.
		 */
		final ConcurrentSkipListSet<Long> own = new ConcurrentSkipListSet<>();

		/** Guards {@link #inFlight}, {@link #toldMax}, {@link #coverable} and the raising of {@link #covered}. */
		private final Object commits = new Object();

		/** This registration's storage's commits begun and not settled yet; under {@link #commits}. */
		private int inFlight;

		/** The highest own sequence told ({@link RemoteChangeListener#committed(Watched, long)}); under {@link #commits}. */
		private long toldMax;

		/**
		 * False once a commit of this registration failed (its outcome perhaps unknown: it may commit later at any
		 * sequence) or an own sequence was not remembered ({@link #MAX_OWN}): {@link #covered} never rises again for
		 * this registration (the batch log tells, as without the rule). Under {@link #commits}.
		 */
		private boolean coverable = true;

		/**
		 * Every commit of this registration's storage whose sequence is at or below this one was told to the
		 * listener (it is in {@link #own} or at or below {@link #seen}): by the keyspace's gapless sequence, every
		 * other sequence up to it is another node's commit. Raised to {@link #toldMax} when no commit is in flight
		 * (under {@link #commits}, after the sequence was added to {@link #own}); read by the listener thread.
		 */
		volatile long covered;

		/** The listener's clock when a commit was last told or begun; written by committing threads, read by the listener. */
		volatile long lastCommitAt = Long.MIN_VALUE;

		Watched(PostgresKeyspace keyspace, long seen, Consumer<RemoteChange> sink) {
			this.keyspace = keyspace;
			this.seen = seen;
			this.sink = sink;
			this.covered = seen;
		}

		/** Whether a commit is in flight, or one was told within {@code nanos} before {@code now}. */
		boolean committing(long now, long nanos) {
			synchronized (this.commits) {
				if (this.inFlight > 0) {
					return true;
				}
			}
			long last = this.lastCommitAt;
			return last != Long.MIN_VALUE && now - last < nanos;
		}

		/** Its sink is never called again once this returns (waits for a call under way). */
		void deactivate() {
			synchronized (this) {
				this.active = false;
			}
		}

	}

	RemoteChangeListener(Connections connections, PostgresSettings settings, UUID nodeId,
			Consumer<RemoteChange> callback, DurableSequences durable) {
		this(connections, settings, nodeId, callback, durable, catchUpSpacing(settings.pollInterval()),
				System::nanoTime);
	}

	/**
	 * A listener with its own catch-up spacing and clock (tests: a clock that stands still keeps notifications
	 * from starting catch-ups until the test moves it).
	 */
	RemoteChangeListener(Connections connections, PostgresSettings settings, UUID nodeId,
			Consumer<RemoteChange> callback, DurableSequences durable, Duration spacing, LongSupplier clock) {
		this.spacingNanos = spacing.toNanos();
		this.clock = clock;
		this.drain = !"false".equalsIgnoreCase(System.getProperty(DRAIN_PROPERTY));
		this.ownRepliesCover = !"false".equalsIgnoreCase(System.getProperty(COVER_PROPERTY));
		this.connections = connections;
		this.settings = settings;
		this.durable = durable;
		this.flushWait = new FlushWait(durable);
		this.sql = new PostgresSql(settings.tablePrefix(), settings.channel());
		this.nodeId = nodeId;
		this.callback = callback;
		this.thread = new Thread(this::loop, "level-mutex-pg-listener-" + nodeId.toString().substring(0, 8));
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * The least time between catch-ups for a poll interval: a tenth of it, at most {@link #MAX_CATCH_UP_SPACING}.
	 * @param pollInterval the poll interval
	 * @return the spacing
	 */
	static Duration catchUpSpacing(Duration pollInterval) {
		Duration tenth = pollInterval.dividedBy(10);
		return (tenth.compareTo(MAX_CATCH_UP_SPACING) < 0) ? tenth : MAX_CATCH_UP_SPACING;
	}

	/**
	 * Starts delivering the keyspace's remote changes after {@code fromSequence}.
	 * @param keyspace the keyspace
	 * @param fromSequence the last sequence the caller already knows of (changes after it are delivered)
	 * @return the registration, for {@link #unwatch}
	 */
	Watched watch(PostgresKeyspace keyspace, long fromSequence) {
		return watch(keyspace, fromSequence, this.callback);
	}

	/**
	 * Starts delivering the keyspace's remote changes after {@code fromSequence} to a sink of its own (instead of
	 * the listener's callback), until {@link #unwatch}. One watcher per keyspace: a watch of a keyspace watched
	 * already replaces the earlier watcher, whose sink is never called again once this returns (a call under way on
	 * the listener thread completes first). A store opens a keyspace once, so the earlier watcher is a keyspace
	 * storage whose mutex's close was abandoned (it reads and writes nothing more, and its storage is closed only
	 * with the store) and the mutex of that name is being opened again.
	 * @param keyspace the keyspace
	 * @param fromSequence the last sequence the caller already knows of
	 * @param sink receives the keyspace's remote changes on the listener's thread
	 * @return the registration, for {@link #unwatch}
	 */
	Watched watch(PostgresKeyspace keyspace, long fromSequence, Consumer<RemoteChange> sink) {
		Watched registration = new Watched(keyspace, fromSequence, sink);
		Watched previous = this.watched.put(keyspace.id(), registration);
		if (previous != null) {
			previous.deactivate();
		}
		return registration;
	}

	/**
	 * Tells the listener that the registration's storage begins a commit (before it is sent): until it is settled
	 * ({@link #committed(Watched, long)}, {@link #notCommitted}, {@link #failed}) no own reply covers other nodes'
	 * sequences ({@link Watched#covered}), since this commit's sequence may be below them. Any thread.
	 * @param watch the storage's registration
	 */
	void committing(Watched watch) {
		synchronized (watch.commits) {
			watch.inFlight++;
		}
		watch.lastCommitAt = this.clock.getAsLong();
	}

	/**
	 * Tells the listener that this node committed a sequence of a keyspace (before the hint of it is sent), so that
	 * the listener needs no statement to recognise it as its own, and settles the commit {@link #committing} began.
	 * Not told (a commit whose reply was lost) is fine: the batch log tells.
	 * @param watch the committing storage's registration
	 * @param sequence the committed batch's sequence
	 */
	void committed(Watched watch, long sequence) {
		boolean remembered = true;
		if (sequence > watch.seen) {
			Long lowest = watch.own.ceiling(Long.MIN_VALUE);
			if (lowest == null || sequence - lowest < MAX_OWN) {
				watch.own.add(sequence);
			}
			else {
				remembered = false;
			}
		}
		watch.lastCommitAt = this.clock.getAsLong();
		settle(watch, sequence, !remembered);
	}

	/**
	 * Settles a commit {@link #committing} began that is known not applied (rejected: no sequence taken). Any thread.
	 * @param watch the storage's registration
	 */
	void notCommitted(Watched watch) {
		settle(watch, -1, false);
	}

	/**
	 * Settles a commit {@link #committing} began that failed: its outcome may be unknown (it may commit later, at any
	 * sequence), so own replies cover nothing more for this registration; the batch log tells. Any thread.
	 * @param watch the storage's registration
	 */
	void failed(Watched watch) {
		settle(watch, -1, true);
	}

	private void settle(Watched watch, long sequence, boolean uncoverable) {
		boolean raised = false;
		synchronized (watch.commits) {
			watch.inFlight--;
			if (uncoverable || watch.inFlight < 0) {
				watch.coverable = false;
			}
			watch.toldMax = Math.max(watch.toldMax, sequence);
			if (watch.coverable && watch.inFlight == 0 && watch.toldMax > watch.covered) {
				watch.covered = watch.toldMax;
				raised = true;
			}
		}
		if (raised && this.awaitingCover) {
			// The listener waits for a cover (at most a spacing): this one may be it.
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Stops delivering the keyspace's remote changes to a registration: once this returns, its sink is never called
	 * again (a call under way on the listener thread completes first). A registration that a later {@link #watch} of
	 * its keyspace replaced changes nothing (the later one stays).
	 * @param registration what {@link #watch} returned
	 */
	void unwatch(Watched registration) {
		this.watched.remove(registration.keyspace.id(), registration);
		registration.deactivate();
	}

	/**
	 * When the listener last read the watched keyspaces' sequences successfully.
	 * @return {@link System#nanoTime()} of the last catch-up, or 0 before the first
	 */
	long lastCatchUpNanos() {
		return this.lastCatchUpNanos;
	}

	long catchUps() {
		return this.catchUps.get();
	}

	long callbackFailures() {
		return this.callbackFailures.get();
	}

	long reconnects() {
		return this.reconnects.get();
	}

	/**
	 * Whether another remote-change listener may hear this node's hints: false only while the last count of the
	 * database's other listener sessions, made on this listener's live connection at most a poll interval ago,
	 * found none. True before the first count, while the connection is lost or being re-established, and after a
	 * failed count. A node that starts listening meanwhile polls anyway, so a false "nobody" delays what it
	 * learns by at most its own poll interval.
	 * @return false only if no other listener was counted at the last poll
	 */
	boolean othersMayListen() {
		return this.othersMayListen;
	}

	/**
	 * The highest sequence of a keyspace named by a hint this listener heard: every listener on the channel heard
	 * that hint too and catches up after it, so a commit of this node with a lower sequence needs no hint of its own
	 * ({@link AfterCommit}). Any thread.
	 * @param keyspaceId the keyspace
	 * @return the sequence, 0 if no hint of it was heard
	 */
	long heardHint(int keyspaceId) {
		Long heard = this.heardHints.get(keyspaceId);
		return (heard == null) ? 0 : heard;
	}

	long listenerCounts() {
		return this.listenerCounts.get();
	}

	long notificationsHeard() {
		return this.notificationsHeard.get();
	}

	long notificationReads() {
		return this.notificationReads.get();
	}

	long wakeUps() {
		return this.wakeUps.get();
	}

	/** Deliveries that own commits covered (no statement). */
	long coveredDeliveries() {
		return this.coveredDeliveries.get();
	}

	/** Waits of the listener for an own commit to cover a hint (each at most until a spacing after the hint). */
	long coverWaits() {
		return this.coverWaits.get();
	}

	boolean isConnected() {
		return this.connection != null;
	}

	private void loop() {
		long pollMillis = Math.max(1, this.settings.pollInterval().toMillis());
		while (!this.closed) {
			Connection current = null;
			String applicationName = null;
			try {
				current = this.connections.open("the remote-change listener");
				this.connection = current;
				if (this.closed) {
					break;
				}
				// LISTEN takes effect at commit: a pool may hand out connections with auto-commit off.
				current.setAutoCommit(true);
				applicationName = applicationName(current, this.sql);
				try (Statement statement = current.createStatement()) {
					statement.execute(this.sql.listenerName);
					statement.execute(this.sql.listen);
				}
				PGConnection listening = current.unwrap(PGConnection.class);
				// WAL positions read before a lost connection may belong to a server that restarted since.
				this.flushWait.clear();
				catchUp(current);
				countOthers(current);
				long pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
				// Whether a notification since the last catch-up named a sequence to read; listener thread.
				boolean hinted = false;
				while (!this.closed) {
					if (this.drain) {
						hinted = drainedStep(current, listening, hinted, pollNanos);
					}
					else {
						hinted = eagerStep(current, listening, hinted, pollNanos);
					}
					if (System.nanoTime() - this.lastCountNanos >= pollNanos) {
						countOthers(current);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.closed) {
					this.reconnects.incrementAndGet();
					// Back-off before reconnecting to a server that is down (not synchronisation).
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(pollMillis, 100)));
				}
			}
			finally {
				// No live connection, no count: hint until the next count on the next connection.
				this.othersMayListen = true;
				this.connection = null;
				if (current != null) {
					release(current, applicationName, this.sql);
				}
			}
		}
	}

	/**
	 * One step of the listener's wait with notifications read as they arrive ({@code drainNotifications=false}, the
	 * rule before the drain): every notification wakes the thread, also within the spacing, when no catch-up may
	 * start.
	 * @return whether a notification since the last catch-up named a sequence to read
	 */
	private boolean eagerStep(Connection current, PGConnection listening, boolean hinted, long pollNanos)
			throws SQLException {
		long sinceCatchUp = this.clock.getAsLong() - this.lastCatchUpAt;
		boolean due = hinted || this.flushWait.waiting();
		long waitNanos = (due ? this.spacingNanos : pollNanos) - sinceCatchUp;
		PGNotification[] hints = listening.getNotifications(waitMillis(waitNanos));
		this.wakeUps.incrementAndGet();
		boolean stillHinted = hinted || heard(hints);
		sinceCatchUp = this.clock.getAsLong() - this.lastCatchUpAt;
		if (((stillHinted || this.flushWait.waiting()) && sinceCatchUp >= this.spacingNanos)
				|| sinceCatchUp >= pollNanos) {
			catchUp(current);
			return false;
		}
		return stillHinted;
	}

	/**
	 * One step of the listener's wait with notifications drained (the default): within the spacing after a
	 * catch-up, when no catch-up may start, the thread sleeps and leaves what arrives in the connection; after it,
	 * one read takes every notification that arrived meanwhile. So a stream of notifications wakes the thread about
	 * once per spacing, not once per notification, and delivery is as early as before (the spacing bounded it).
	 * A catch-up that is due already (a notification heard, or a flush waited for) starts without reading first:
	 * what arrived stays for the next read, and a hint it names that the catch-up passed starts nothing.
	 * @return whether a notification since the last catch-up named a sequence to read
	 */
	private boolean drainedStep(Connection current, PGConnection listening, boolean hinted, long pollNanos)
			throws SQLException {
		long now = this.clock.getAsLong();
		long sinceCatchUp = now - this.lastCatchUpAt;
		long sinceRest = now - this.restFrom;
		if (sinceCatchUp < this.spacingNanos || sinceRest < this.spacingNanos) {
			// A timed wait for the spacing to pass (not synchronisation); close() interrupts it.
			LockSupport.parkNanos(this.spacingNanos - Math.min(sinceCatchUp, sinceRest));
			this.wakeUps.incrementAndGet();
			return hinted;
		}
		boolean stillHinted = hinted;
		if (!stillHinted && !this.flushWait.waiting()) {
			PGNotification[] hints = listening.getNotifications(waitMillis(pollNanos - sinceCatchUp));
			this.wakeUps.incrementAndGet();
			stillHinted = heard(hints);
			long read = this.clock.getAsLong();
			sinceCatchUp = read - this.lastCatchUpAt;
			if (this.ownRepliesCover && !stillHinted && hints != null && hints.length > 0) {
				// Own commits covered what the read named (or it was own): no catch-up, but the next read waits the
				// spacing all the same, so that a stream of covered hints wakes the thread once per spacing.
				this.restFrom = read;
			}
		}
		if (stillHinted && this.ownRepliesCover && !this.otherNotice && !this.flushWait.waiting()
				&& sinceCatchUp < pollNanos) {
			Cover cover = awaitCover();
			if (cover == Cover.COVERED) {
				return false;
			}
			if (cover == Cover.WAITING) {
				return true;
			}
		}
		if (stillHinted || this.flushWait.waiting() || sinceCatchUp >= pollNanos) {
			catchUp(current);
		}
		// Not hinted, or caught up: nothing heard is left to read.
		return false;
	}

	/** What {@link #awaitCover} found. */
	private enum Cover {

		/** Own commits covered every hinted sequence: delivered, no statement. */
		COVERED,

		/** The listener waited for a cover (or was woken): step again. */
		WAITING,

		/** No cover is expected within the spacing: catch up. */
		NONE

	}

	/**
	 * A catch-up is due for a hint beyond what own commits covered: delivers what they cover now, and if a hinted
	 * sequence is still beyond it while this node commits to that keyspace (a commit in flight, or one told within
	 * the spacing), waits for the next own commit to cover it, at most until one spacing after the hint was first
	 * found uncovered (a commit that raises {@link Watched#covered} wakes the thread; close() interrupts it).
	 */
	private Cover awaitCover() {
		if (!uncovered()) {
			this.uncoveredSince = NOT_UNCOVERED;
			return Cover.COVERED;
		}
		long now = this.clock.getAsLong();
		if (this.uncoveredSince == NOT_UNCOVERED) {
			this.uncoveredSince = now;
		}
		long left = this.uncoveredSince + this.spacingNanos - now;
		if (left <= 0 || !committingToUncovered(now)) {
			return Cover.NONE;
		}
		this.awaitingCover = true;
		try {
			// Checked again after the flag is set: a cover raised before it would not unpark the thread.
			if (!uncovered()) {
				this.uncoveredSince = NOT_UNCOVERED;
				return Cover.COVERED;
			}
			// A timed wait for an own commit (not synchronisation): the commit unparks the thread.
			this.coverWaits.incrementAndGet();
			LockSupport.parkNanos(left);
			this.wakeUps.incrementAndGet();
		}
		finally {
			this.awaitingCover = false;
		}
		return Cover.WAITING;
	}

	/**
	 * Delivers, for every watched keyspace, what own commits cover ({@link #deliverCovered}) and tells whether a hint
	 * heard names a sequence still beyond it. Listener thread only.
	 */
	private boolean uncovered() {
		boolean uncovered = false;
		for (Watched watched : this.watched.values()) {
			if (deliverCovered(watched) < heardHint(watched.keyspace.id())) {
				uncovered = true;
			}
		}
		return uncovered;
	}

	/** Whether this node commits to a keyspace with a hinted sequence not covered yet (so a cover may come soon). */
	private boolean committingToUncovered(long now) {
		for (Watched watched : this.watched.values()) {
			if (watched.seen < heardHint(watched.keyspace.id()) && watched.committing(now, this.spacingNanos)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Delivers the keyspace's sequences after {@link Watched#seen} that this node's own commit replies cover
	 * ({@link Watched#covered}: every own commit up to it was told, so by the gapless sequence every other sequence
	 * up to it is another node's) and that are known durable, without a statement. Listener thread only.
	 * @return the registration's {@link Watched#seen} afterwards
	 */
	private long deliverCovered(Watched watched) {
		long seen = skipOwn(watched);
		if (!this.ownRepliesCover || this.watched.get(watched.keyspace.id()) != watched) {
			return seen;
		}
		// covered first: every own sequence up to it was added to own before it was raised
		long to = Math.min(watched.covered, this.durable.durable(watched.keyspace.id()));
		if (to <= seen) {
			return seen;
		}
		Long[] own = watched.own.subSet(seen, false, to, true).toArray(new Long[0]);
		this.coveredDeliveries.incrementAndGet();
		deliver(watched, to, own);
		return watched.seen;
	}

	/**
	 * Counts notifications read and tells whether they name a sequence to read ({@link #onlyOwn}).
	 * @param hints what a wait returned ({@code null}: nothing arrived)
	 */
	private boolean heard(PGNotification @Nullable [] hints) {
		if (hints == null || hints.length == 0) {
			return false;
		}
		this.notificationsHeard.addAndGet(hints.length);
		this.notificationReads.incrementAndGet();
		return !onlyOwn(hints);
	}

	/** A wait for notifications: at least 1 ms (0 would wait without bound), at most a day. */
	private static int waitMillis(long nanos) {
		return (int) Math.max(1, Math.min(TimeUnit.DAYS.toMillis(1), TimeUnit.NANOSECONDS.toMillis(nanos)));
	}

	private static String applicationName(Connection current, PostgresSql sql) throws SQLException {
		try (Statement statement = current.createStatement();
				ResultSet rows = statement.executeQuery(sql.applicationName)) {
			rows.next();
			return rows.getString(1);
		}
	}

	/**
	 * Gives the connection back to the pool as it came: not listening, its application name restored, no
	 * notification buffered in the driver. If that cannot be done (the connection is broken, or {@link #close()}
	 * aborted it), the connection is aborted, so that the pool discards it instead of handing it out listening.
	 * @param current the listener's connection
	 * @param applicationName its application name before the listener set its own, or {@code null} if it was
	 * not read (nothing was changed then but, perhaps, LISTEN)
	 */
	private static void release(Connection current, @Nullable String applicationName, PostgresSql sql) {
		try {
			try (Statement statement = current.createStatement()) {
				statement.execute(sql.unlisten);
			}
			if (applicationName != null) {
				try (PreparedStatement statement = current.prepareStatement(sql.restoreApplicationName)) {
					statement.setString(1, applicationName);
					statement.execute();
				}
			}
			// Notifications received before UNLISTEN took effect sit in the driver until read: drop them.
			current.unwrap(PGConnection.class).getNotifications();
		}
		catch (SQLException | RuntimeException ex) {
			abortQuietly(current);
		}
		Connections.closeQuietly(current);
	}

	/** Closes the physical connection at once (from any thread); the pool then discards it. */
	private static void abortQuietly(Connection current) {
		try {
			current.abort(Runnable::run);
		}
		catch (SQLException | RuntimeException ex) {
			// Already closed or broken: nothing left to abort.
		}
	}

	private void catchUp(Connection current) throws SQLException {
		this.catchUps.incrementAndGet();
		this.lastCatchUpAt = this.clock.getAsLong();
		this.restFrom = this.lastCatchUpAt;
		this.uncoveredSince = NOT_UNCOVERED;
		this.otherNotice = false;
		if (this.watched.isEmpty()) {
			try (Statement statement = current.createStatement()) {
				// Keeps the connection's liveness (and so health) known while nothing is watched.
				statement.execute(this.sql.ping);
			}
			this.flushWait.clear();
			this.lastCatchUpNanos = System.nanoTime();
			return;
		}
		// The watches this catch-up serves: one re-registered meanwhile waits for the next (its own batches were
		// looked up from this one's sequence).
		Map<Integer, Watched> watching = new HashMap<>(this.watched);
		Integer[] ids = new Integer[watching.size()];
		Long[] seens = new Long[watching.size()];
		int i = 0;
		for (Watched watched : watching.values()) {
			ids[i] = watched.keyspace.id();
			seens[i++] = skipOwn(watched);
		}
		List<long[]> heads = new ArrayList<>();
		Map<Integer, Long[]> owns = new HashMap<>();
		boolean mustFlush = false;
		long insertLsn = -1;
		long flushLsn = -1;
		try (PreparedStatement statement = current.prepareStatement(this.sql.keyspaceSequences)) {
			statement.setObject(1, this.nodeId);
			statement.setArray(2, current.createArrayOf("int4", ids));
			statement.setArray(3, current.createArrayOf("int8", seens));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					int id = rows.getInt(1);
					long head = rows.getLong(2);
					heads.add(new long[] { id, head });
					owns.put(id, (Long[]) rows.getArray(6).getArray());
					Watched watched = watching.get(id);
					if (watched != null && head > watched.seen) {
						mustFlush |= this.durable.mustFlush(id, new DurableSequences.Seen(head, rows.getBoolean(3)));
					}
					// Both read after the snapshot, per row: each insert position bounds the commit records the
					// snapshot saw (the lowest the tightest), each flush position is flushed (the highest the most).
					long inserted = rows.getLong(4);
					insertLsn = (insertLsn < 0) ? inserted : Math.min(insertLsn, inserted);
					flushLsn = Math.max(flushLsn, rows.getLong(5));
				}
			}
		}
		if (this.flushWait.next(mustFlush, heads, insertLsn, flushLsn) == FlushWait.Step.FLUSH) {
			// The committing node's flush did not pass what the previous catch-up read within a spacing: one
			// flush, started after this read, makes every batch it saw durable before any is delivered.
			this.durable.flush(current);
			this.flushWait.flushed(heads);
		}
		for (long[] head : heads) {
			Watched watched = watching.get((int) head[0]);
			long to = Math.min(head[1], this.durable.durable((int) head[0]));
			if (watched == null || this.watched.get((int) head[0]) != watched || to <= watched.seen) {
				continue;
			}
			deliver(watched, to, owns.get((int) head[0]));
		}
		this.lastCatchUpNanos = System.nanoTime();
	}

	/**
	 * Counts the database's other remote-change listeners (every node's, whatever its table prefix or channel: a
	 * listener of another channel only makes this node hint in vain). A failure propagates (the connection is
	 * then replaced, and {@link #othersMayListen} is true meanwhile).
	 */
	private void countOthers(Connection current) throws SQLException {
		long others;
		try (Statement statement = current.createStatement();
				ResultSet rows = statement.executeQuery(this.sql.otherListeners)) {
			rows.next();
			others = rows.getLong(1);
		}
		this.lastCountNanos = System.nanoTime();
		this.listenerCounts.incrementAndGet();
		this.othersMayListen = others > 0;
	}

	/**
	 * Whether notifications name only sequences this node committed itself, or keyspaces of another table prefix
	 * (another cluster sharing the database and channel: ignored), so that nothing needs reading (the own ones move
	 * {@link #seen} past them). No notification (the wait ended) or one that is not a hint is not "only own".
	 */
	private boolean onlyOwn(PGNotification @Nullable [] hints) {
		if (hints == null || hints.length == 0) {
			return false;
		}
		boolean onlyOwn = true;
		for (PGNotification notification : hints) {
			HintPayload hint = HintPayload.parse(notification.getParameter());
			if (hint == null) {
				this.otherNotice = true;
				return false;
			}
			if (!hint.prefix().equals(this.settings.tablePrefix())) {
				// another cluster's keyspace (other tables, same channel): neither read nor covered by it
				continue;
			}
			int id = hint.keyspaceId();
			long sequence = hint.sequence();
			this.heardHints.merge(id, sequence, Math::max);
			Watched watched = this.watched.get(id);
			if (watched != null && deliverCovered(watched) < sequence) {
				onlyOwn = false;
			}
		}
		return onlyOwn;
	}

	/**
	 * Moves {@link Watched#seen} past the sequences this node committed that follow it directly (nothing to
	 * deliver for them); listener thread only.
	 * @return the new {@link Watched#seen}
	 */
	private static long skipOwn(Watched watched) {
		long seen = watched.seen;
		while (watched.own.remove(seen + 1)) {
			seen++;
		}
		watched.own.headSet(seen, true).clear();
		watched.seen = seen;
		return seen;
	}

	/**
	 * Delivers the keyspace's sequences after {@link Watched#seen} up to {@code to}, less this node's own.
	 * @param own this node's own sequences after the {@link Watched#seen} the catch-up's statement was given, in
	 * order (those above {@code to} are left for a later catch-up)
	 */
	private void deliver(Watched watched, long to, Long @Nullable [] own) {
		if (skipOwn(watched) >= to) {
			return;
		}
		long from = watched.seen + 1;
		for (Long mine : (own == null) ? new Long[0] : own) {
			if (mine < from) {
				continue;
			}
			if (mine > to) {
				break;
			}
			if (mine > from) {
				emit(watched, from, mine - 1);
			}
			from = mine + 1;
		}
		if (from <= to) {
			emit(watched, from, to);
		}
		watched.seen = to;
		watched.own.headSet(to, true).clear();
	}

	private void emit(Watched watched, long from, long to) {
		try {
			synchronized (watched) {
				if (watched.active) {
					watched.sink.accept(new RemoteChange(watched.keyspace.name(), from, to));
				}
			}
		}
		catch (RuntimeException ex) {
			this.callbackFailures.incrementAndGet();
		}
	}

	/**
	 * Stops the listener and waits for its thread to end (without waiting out a poll interval: the listener's
	 * connection is aborted to wake the thread, so the pool discards that connection). Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
		Connection current = this.connection;
		if (current != null) {
			// Wakes the thread from its wait for notifications; it never gives an aborted connection back alive.
			abortQuietly(current);
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
