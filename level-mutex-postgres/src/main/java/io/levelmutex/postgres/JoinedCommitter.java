package io.levelmutex.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.BlockingCalls;
import io.levelmutex.engine.EngineBatch;

/**
 * The node's committer of joined commits: the ready batches of several keyspaces in ONE transaction and one round
 * trip (the schema's procedure {@link PostgresSql#commitJoined}, version 3), so that a node with many busy mutexes
 * sends one commit, one flush and one round trip for all of them instead of one each (issue 19 item 4).
 *
 * <p>Hand-off ({@link #submit}): a batch handed over while nothing is in flight (no batch committing or queued)
 * is committed at once by the cycle that hands it over, on its own thread, through {@link BatchCommitter} exactly as
 * without joining ({@link BatchCommitter#commitValidated}, its wait in {@link BlockingCalls#run}): the returned
 * future is complete, and a lone mutex (or C=1) pays nothing for joining. A batch handed over while another is in
 * flight is queued, and its cycle's thread is free. Each of the {@code senders} threads joins its own share of
 * the keyspaces (those whose id is its index modulo the senders): it takes everything queued for it at that moment
 * (at most {@link #MAX_BATCHES}; more waits for the next) and sends it: one batch alone through
 * {@link BatchCommitter} on a thread of its own ({@link #solo}, so that a lock held long elsewhere holds up that
 * batch only), several through the procedure. So up to {@code senders} joined commits are in flight
 * besides a direct one, and the flushes of a node's commits still overlap. Why a share each, not one queue for all:
 * a joined transaction holds every keyspace lock it took until its one COMMIT, so a joined commit that spans every
 * keyspace of a node makes other nodes' joined commits wait for all of them at once (measured: lock waits 32-40% of
 * busy backends at 3 nodes on 8 keyspaces with one shared queue, against 10-16% without joining); a share per
 * sender keeps each joined transaction to part of the keyspaces, as pgcombine's {@code join2} (keyspace k to
 * committer k mod 2). A mutex has at most one batch here at a
 * time (the core starts no other commit of a keyspace until its stage completes), so nothing reorders a mutex's
 * batches.
 *
 * <p>Inside a joined commit, per batch, in keyspace-id order (every node takes keyspace locks in that order: no
 * deadlock between joined commits): the commit function's validation, sequence, batch-log row and apply, in a
 * subtransaction of its own, so that a batch that applies nothing (a rejected first update) or fails with an error
 * fails alone: the others commit. The locks are released at one COMMIT, then one flush makes every batch of it
 * durable before the reply. A batch whose error was a serialization failure or deadlock, or whose keyspace lock
 * was not granted within {@link #LOCK_WAIT_MILLIS}, is committed again on its own ({@link BatchCommitter}, which
 * retries and waits for the lock), on a {@link #solo} thread. (Skipping a busy keyspace instead of waiting, sending
 * its batch again in a later joined commit, was tried in sessions 14 and 15 and removed: it halved lock waits but
 * cost statements, and made no more rows/s, quietly with two senders (series AA) or with one on the shared machine;
 * benchmarks/results/series-ab/pgk8.) A connection lost while the call was in flight, or a failure of the call
 * itself (which may come after its COMMIT), is resolved per batch through the batch log, as
 * {@link BatchCommitter} resolves one batch ({@link BatchCommitter#resolve}, {@link BatchCommitter#resolveFailed}).
 *
 * <p>Completion: every batch's future completes exactly once, on a sender thread (or already when {@link #submit}
 * returns), after the in-flight count dropped, so the same mutex's next batch may go directly. Completing a future
 * runs the keyspace storage's after-commit step and the core's hand-off of its cycle to its executor.
 *
 * <p>Closing: hand-offs fail at once ({@link PostgresUnavailableException}); batches still queued fail unsent; a
 * call in flight ends normally (its batches complete); close waits for the sender threads up to the connect and
 * resolve waits. The store closes its engine only once no phase is in a commit, so normally nothing is queued.
 * Thread-safe.
 */
final class JoinedCommitter implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(JoinedCommitter.class.getName());

	/**
	 * Most batches in one joined commit: each runs in a subtransaction, and a transaction with more than 64
	 * subtransactions overflows its backend's subtransaction cache, which slows every snapshot of the server.
	 */
	static final int MAX_BATCHES = 32;

	/**
	 * How long a batch in a joined commit waits for its keyspace's lock before it leaves the joined commit (it is
	 * rolled back alone, SQLSTATE 55P03, and committed on its own, waiting as long as the lock is held): a lock held
	 * long elsewhere (another node's long commit, a session holding the row) must not hold up the other keyspaces
	 * of the joined commit. Contended commits of several nodes wait a few milliseconds (measured: joined calls of
	 * 2-6 ms mean at 3 nodes on 8 keyspaces, load 9), far below it.
	 */
	static final int LOCK_WAIT_MILLIS = 200;

	/** The SQLSTATE of a lock wait that ran out (lock_timeout). */
	private static final String LOCK_NOT_AVAILABLE = "55P03";

	/** A batch's place in a joined commit's outcomes: it left the joined commit, to be committed on its own. */
	private static final Object ON_ITS_OWN = new Object();

	/** One batch handed over: its keyspace, id, the batch, what the keyspace knows committed, its route, its result. */
	record Pending(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch, long knownSequence, CommitRoute route,
			CompletableFuture<CommitOutcome> result) {
	}

	private final BatchCommitter committer;

	private final Connections connections;

	private final PostgresSql sql;

	private final DurableSequences durable;

	private final UUID nodeId;

	private final BatchCommitter.CommitStep commitStep;

	private final Duration closeWait;

	/** How long a batch of a joined commit waits for its keyspace's lock ({@link #LOCK_WAIT_MILLIS}). */
	private final int lockWaitMillis;

	/** Guards {@link #queues}, {@link #busy}, {@link #waiting} and {@link #closed}. */
	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Per sender, the batches handed over for it and not yet taken, in hand-off order: sender {@code i} joins the
	 * keyspaces whose id is {@code i} modulo the senders; guarded by {@link #lock}.
	 */
	private final List<ArrayList<Pending>> queues = new ArrayList<>();

	/** Per sender, signalled when its queue gains a batch or on close; of {@link #lock}. */
	private final List<Condition> ready = new ArrayList<>();

	/** Per sender, whether it waits for its queue; guarded by {@link #lock}. */
	private final boolean[] waiting;

	/**
	 * Batches handed over and not yet done (committing directly, queued, or in a sender's commit); guarded by
	 * {@link #lock}. A batch goes directly only when it raises this from 0.
	 */
	private int busy;

	/** Set once by {@link #close()}; guarded by {@link #lock}. */
	private boolean closed;

	/** Test seam: senders take nothing while set ({@link #holdSenders}); guarded by {@link #lock}. */
	private boolean sendersHeld;

	/**
	 * Commits batches on their own, off the senders (a batch alone in its sender's queue, or one that left a joined
	 * commit): it may wait for a keyspace lock as long as another session holds it, and the senders must stay free
	 * for the other keyspaces. At most one batch per mutex is here, so its threads are bounded by the mutexes.
	 */
	private final ThreadPoolExecutor solo;

	private final List<Thread> senders = new ArrayList<>();

	/** Counters for tests and benchmarks (any thread). */
	private final AtomicLong directBatches = new AtomicLong();

	private final AtomicLong soleBatches = new AtomicLong();

	private final AtomicLong joinedCalls = new AtomicLong();

	private final AtomicLong joinedBatches = new AtomicLong();

	JoinedCommitter(BatchCommitter committer, Connections connections, PostgresSettings settings, PostgresSql sql,
			DurableSequences durable, UUID nodeId, BatchCommitter.CommitStep commitStep, int senders) {
		this(committer, connections, settings, sql, durable, nodeId, commitStep, senders, LOCK_WAIT_MILLIS);
	}

	/** With another lock wait than {@link #LOCK_WAIT_MILLIS} (tests; 0: no limit). */
	JoinedCommitter(BatchCommitter committer, Connections connections, PostgresSettings settings, PostgresSql sql,
			DurableSequences durable, UUID nodeId, BatchCommitter.CommitStep commitStep, int senders,
			int lockWaitMillis) {
		this.lockWaitMillis = lockWaitMillis;
		if (senders < 1) {
			throw new IllegalArgumentException("senders must be positive, not " + senders);
		}
		this.committer = committer;
		this.connections = connections;
		this.sql = sql;
		this.durable = durable;
		this.nodeId = nodeId;
		this.commitStep = commitStep;
		this.closeWait = settings.connectWait().plus(settings.resolveWait());
		AtomicLong soloThreads = new AtomicLong();
		this.solo = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "level-mutex-postgres-solo-" + soloThreads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.waiting = new boolean[senders];
		for (int i = 0; i < senders; i++) {
			this.queues.add(new ArrayList<>());
			this.ready.add(this.lock.newCondition());
		}
		for (int i = 0; i < senders; i++) {
			int sender = i;
			Thread thread = new Thread(() -> run(sender), "level-mutex-postgres-joined-" + i);
			thread.setDaemon(true);
			this.senders.add(thread);
		}
		this.senders.forEach(Thread::start);
	}

	/**
	 * Hands a batch over (see the class comment).
	 * @param keyspace its keyspace
	 * @param batch the batch, untouched by the caller until the future completes
	 * @param knownSequence a sequence of the keyspace known committed (for resolution)
	 * @param route the keyspace's commit route (for a batch committed on its own)
	 * @return the outcome, or the failure {@link BatchCommitter#commit} would have thrown; complete when this returns
	 * if the batch was committed directly
	 */
	CompletableFuture<CommitOutcome> submit(PostgresKeyspace keyspace, EngineBatch batch, long knownSequence,
			CommitRoute route) {
		return submit(keyspace, this.committer.newBatchId(), batch, knownSequence, route);
	}

	/** {@link #submit(PostgresKeyspace, EngineBatch, long, CommitRoute)} with the batch id given (tests). */
	CompletableFuture<CommitOutcome> submit(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch,
			long knownSequence, CommitRoute route) {
		try {
			this.committer.validateInput(keyspace, batchId, batch);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Pending pending = new Pending(keyspace, batchId, batch, knownSequence, route, new CompletableFuture<>());
		this.lock.lock();
		try {
			if (this.closed) {
				return CompletableFuture.failedFuture(closed(pending));
			}
			if (this.busy > 0) {
				this.busy++;
				int sender = Math.floorMod(keyspace.id(), this.queues.size());
				this.queues.get(sender).add(pending);
				if (this.waiting[sender]) {
					this.ready.get(sender).signal();
				}
				return pending.result;
			}
			this.busy = 1;
		}
		finally {
			this.lock.unlock();
		}
		this.directBatches.incrementAndGet();
		try {
			return CompletableFuture.completedFuture(BlockingCalls.run(() -> this.committer.commitValidated(keyspace,
					batchId, batch, knownSequence, route)));
		}
		catch (RuntimeException | Error ex) {
			return CompletableFuture.failedFuture(ex);
		}
		finally {
			done(1);
		}
	}

	private void done(int batches) {
		this.lock.lock();
		try {
			this.busy -= batches;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void run(int sender) {
		ArrayList<Pending> queue = this.queues.get(sender);
		for (;;) {
			List<Pending> group;
			this.lock.lock();
			try {
				while ((queue.isEmpty() || this.sendersHeld) && !this.closed) {
					this.waiting[sender] = true;
					try {
						this.ready.get(sender).await();
					}
					catch (InterruptedException ex) {
						// only close() ends a sender; it is interrupted by nothing else
					}
					finally {
						this.waiting[sender] = false;
					}
				}
				if (queue.isEmpty()) {
					return; // closed
				}
				int take = Math.min(MAX_BATCHES, queue.size());
				List<Pending> head = queue.subList(0, take);
				group = new ArrayList<>(head);
				head.clear();
				if (this.closed) {
					this.busy -= group.size();
					for (Pending pending : group) {
						pending.result.completeExceptionally(closed(pending));
					}
					continue;
				}
			}
			finally {
				this.lock.unlock();
			}
			if (group.size() == 1) {
				this.soleBatches.incrementAndGet();
				alone(group.get(0));
				continue;
			}
			List<Object> outcomes;
			try {
				outcomes = send(group);
			}
			catch (Throwable bug) {
				LOG.log(System.Logger.Level.ERROR, "A joined commit of " + group.size() + " batches failed unexpectedly",
						bug);
				outcomes = new ArrayList<>();
				for (Pending pending : group) {
					outcomes.add(new PostgresOutcomeUnknownException("Batch " + pending.batchId + " of keyspace '"
							+ pending.keyspace.name() + "' failed unexpectedly in a joined commit, it may or may not "
							+ "have been applied: " + bug, pending.batchId, null));
				}
			}
			List<Pending> onTheirOwn = new ArrayList<>();
			for (int i = 0; i < group.size(); i++) {
				if (outcomes.get(i) == ON_ITS_OWN) {
					onTheirOwn.add(group.get(i));
				}
			}
			done(group.size() - onTheirOwn.size());
			onTheirOwn.forEach(this::alone);
			for (int i = 0; i < group.size(); i++) {
				Object outcome = outcomes.get(i);
				if (outcome == ON_ITS_OWN) {
					continue;
				}
				if (outcome instanceof CommitOutcome committed) {
					group.get(i).result.complete(committed);
				}
				else {
					group.get(i).result.completeExceptionally((Throwable) outcome);
				}
			}
		}
	}

	/**
	 * Commits a batch on its own on a {@link #solo} thread (on this thread if that executor refuses: closed), then
	 * completes it.
	 */
	private void alone(Pending p) {
		Runnable commit = () -> {
			Object outcome = outcome(() -> this.committer.commitValidated(p.keyspace, p.batchId, p.batch,
					p.knownSequence, p.route));
			done(1);
			if (outcome instanceof CommitOutcome committed) {
				p.result.complete(committed);
			}
			else {
				p.result.completeExceptionally((Throwable) outcome);
			}
		};
		try {
			this.solo.execute(commit);
		}
		catch (RejectedExecutionException ex) {
			commit.run();
		}
	}

	/**
	 * Commits a group of two batches or more, joined.
	 * @return per batch, in the group's order, its {@link CommitOutcome}, the throwable its commit failed with, or
	 * {@link #ON_ITS_OWN}
	 */
	private List<Object> send(List<Pending> group) {
		this.joinedCalls.incrementAndGet();
		this.joinedBatches.addAndGet(group.size());
		List<Pending> ordered = new ArrayList<>(group);
		ordered.sort(Comparator.comparingInt((Pending p) -> p.keyspace.id()));
		Object[] outcomes = joined(ordered, this.lockWaitMillis);
		List<Object> inGroupOrder = new ArrayList<>(group.size());
		for (Pending pending : group) {
			inGroupOrder.add(outcomes[ordered.indexOf(pending)]);
		}
		return inGroupOrder;
	}

	/** A batch's outcome (or {@link #ON_ITS_OWN}), or what its commit threw. */
	private static Object outcome(java.util.function.Supplier<?> commit) {
		try {
			return commit.get();
		}
		catch (RuntimeException | Error ex) {
			return ex;
		}
	}

	/** The joined commit of batches in keyspace-id order; per batch its outcome or failure. */
	private Object[] joined(List<Pending> batches, int lockWait) {
		Object[] outcomes = new Object[batches.size()];
		Connection connection;
		try {
			connection = this.connections.open("a joined commit of " + batches.size() + " batches");
		}
		catch (RuntimeException ex) {
			java.util.Arrays.fill(outcomes, ex);
			return outcomes;
		}
		boolean sent = false;
		try {
			connection.setAutoCommit(true);
			try (PreparedStatement call = connection.prepareStatement(this.sql.commitJoined)) {
				bind(connection, call, batches, lockWait);
				sent = true;
				try (ResultSet rows = this.commitStep.call(connection, call)) {
					rows.next();
					Long[] seq = (Long[]) array(rows.getArray(1));
					Integer[] applied = (Integer[]) array(rows.getArray(2));
					Integer[] unit = (Integer[]) array(rows.getArray(3));
					String[] reason = (String[]) array(rows.getArray(4));
					byte[][] key = (byte[][]) array(rows.getArray(5));
					String[] state = (String[]) array(rows.getArray(6));
					String[] detail = (String[]) array(rows.getArray(7));
					for (int i = 0; i < batches.size(); i++) {
						Pending p = batches.get(i);
						int at = i;
						outcomes[i] = outcome(() -> batchOutcome(p, seq[at], applied[at], unit[at], reason[at],
								key[at], state[at], detail[at]));
					}
					return outcomes;
				}
			}
		}
		catch (SQLException ex) {
			for (int i = 0; i < batches.size(); i++) {
				Pending p = batches.get(i);
				if (!sent) {
					outcomes[i] = SqlFailures.typed("Batch " + p.batchId + " of keyspace '" + p.keyspace.name()
							+ "' was not applied (a joined commit could not be sent)", ex);
				}
				else if (SqlFailures.isConnectionLost(ex)) {
					outcomes[i] = outcome(() -> this.committer.resolve(p.keyspace, p.batchId, p.knownSequence, ex));
				}
				else {
					// The call may have failed after its COMMIT: the batch log tells, per batch; not there, the
					// batch failed with the call (committed again on its own if that was transient).
					outcomes[i] = outcome(() -> {
						CommitOutcome found = this.committer.resolveFailed(p.keyspace, p.batchId, p.knownSequence, ex);
						if (found != null) {
							return found;
						}
						if (SqlFailures.isTransient(ex)) {
							return this.committer.commitValidated(p.keyspace, p.batchId, p.batch, p.knownSequence,
									p.route);
						}
						throw SqlFailures.typed("Batch " + p.batchId + " of keyspace '" + p.keyspace.name()
								+ "' was not applied (its joined commit failed)", ex);
					});
				}
			}
			return outcomes;
		}
		finally {
			Connections.closeQuietly(connection);
		}
	}

	private static Object array(Array array) throws SQLException {
		return array.getArray();
	}

	/** One batch's element of a joined commit's reply (the procedure flushed before it replied). */
	private Object batchOutcome(Pending p, @Nullable Long seq, @Nullable Integer applied,
			@Nullable Integer unit, @Nullable String reason, byte @Nullable [] key, @Nullable String state,
			@Nullable String detail) {
		if (state == null) {
			if (seq == null || applied == null || unit == null) {
				throw new PostgresConfigurationException("Keyspace '" + p.keyspace.name() + "' (id " + p.keyspace.id()
						+ ") has no row in " + this.sql.keyspaceTable, null);
			}
			CommitOutcome outcome = BatchCommitter.outcome(seq, applied, unit, reason, key);
			this.durable.raise(p.keyspace.id(), seq);
			p.route.committedAt(seq); // this node's own sequence: the keyspace's next commit measures its gap from it
			return outcome;
		}
		if (LOCK_NOT_AVAILABLE.equals(state)) {
			return ON_ITS_OWN;
		}
		if (BatchCommitter.NOTHING_APPLIED.equals(state)) {
			return BatchCommitter.nothingApplied(p.keyspace, p.batchId, p.batch, detail,
					"SQLSTATE " + state + " in a joined commit", null);
		}
		SQLException failure = new SQLException(detail, state);
		if (SqlFailures.isTransient(failure)) {
			// rolled back alone (its subtransaction): committed again on its own, with BatchCommitter's retries
			return ON_ITS_OWN;
		}
		throw SqlFailures.typed("Batch " + p.batchId + " of keyspace '" + p.keyspace.name()
				+ "' was not applied (rolled back alone in a joined commit)", failure);
	}

	/**
	 * The procedure's parameters: node id; keyspace ids and batch ids; where each batch's writes, updates, update keys
	 * and spans start (1-based, plus the end); the flattened arrays.
	 */
	private void bind(Connection connection, PreparedStatement call, List<Pending> batches, int lockWait)
			throws SQLException {
		int n = batches.size();
		int[] keyspaces = new int[n];
		UUID[] ids = new UUID[n];
		int[] keyFrom = new int[n + 1];
		int[] updateFrom = new int[n + 1];
		int[] footprintFrom = new int[n + 1];
		int[] spanFrom = new int[n + 1];
		BatchCommitter.Footprints[] footprints = new BatchCommitter.Footprints[n];
		int writes = 0;
		int updates = 0;
		int listed = 0;
		int spans = 0;
		for (int i = 0; i < n; i++) {
			Pending p = batches.get(i);
			keyspaces[i] = p.keyspace.id();
			ids[i] = p.batchId;
			keyFrom[i] = writes + 1;
			updateFrom[i] = updates + 1;
			footprintFrom[i] = listed + 1;
			spanFrom[i] = spans + 1;
			writes += p.batch.size();
			if (!p.batch.updates().isEmpty()) {
				BatchCommitter.Footprints f = BatchCommitter.Footprints.of(p.batch);
				footprints[i] = f;
				updates += f.firsts().length;
				listed += f.keys().length;
				spans += f.lows().length;
			}
		}
		keyFrom[n] = writes + 1;
		updateFrom[n] = updates + 1;
		footprintFrom[n] = listed + 1;
		spanFrom[n] = spans + 1;
		byte[][] keys = new byte[writes][];
		byte[][] values = new byte[writes][];
		int[] firsts = new int[updates];
		long[] snapshots = new long[updates];
		int[] keyUpdates = new int[listed];
		boolean[] keyRead = new boolean[listed];
		byte[][] listedKeys = new byte[listed][];
		int[] spanUpdates = new int[spans];
		byte[][] lows = new byte[spans][];
		byte[][] highs = new byte[spans][];
		boolean[] bounded = new boolean[spans];
		for (int i = 0; i < n; i++) {
			EngineBatch batch = batches.get(i).batch;
			List<byte[]> stored = batch.storedKeys();
			List<WriteOperation> operations = batch.operations();
			int w = keyFrom[i] - 1;
			for (int op = 0; op < batch.size(); op++) {
				keys[w + op] = stored.get(op);
				WriteOperation operation = operations.get(op);
				values[w + op] = operation.type() == WriteOperation.Type.PUT ? operation.value() : null;
			}
			BatchCommitter.Footprints f = footprints[i];
			if (f == null) {
				continue;
			}
			System.arraycopy(f.firsts(), 0, firsts, updateFrom[i] - 1, f.firsts().length);
			System.arraycopy(f.snapshots(), 0, snapshots, updateFrom[i] - 1, f.snapshots().length);
			System.arraycopy(f.keyUpdates(), 0, keyUpdates, footprintFrom[i] - 1, f.keyUpdates().length);
			System.arraycopy(f.keyRead(), 0, keyRead, footprintFrom[i] - 1, f.keyRead().length);
			System.arraycopy(f.keys(), 0, listedKeys, footprintFrom[i] - 1, f.keys().length);
			System.arraycopy(f.spanUpdates(), 0, spanUpdates, spanFrom[i] - 1, f.spanUpdates().length);
			System.arraycopy(f.lows(), 0, lows, spanFrom[i] - 1, f.lows().length);
			System.arraycopy(f.highs(), 0, highs, spanFrom[i] - 1, f.highs().length);
			System.arraycopy(f.bounded(), 0, bounded, spanFrom[i] - 1, f.bounded().length);
		}
		call.setObject(1, this.nodeId);
		call.setObject(2, keyspaces);
		call.setArray(3, connection.createArrayOf("uuid", ids));
		call.setObject(4, keyFrom);
		call.setObject(5, updateFrom);
		call.setObject(6, footprintFrom);
		call.setObject(7, spanFrom);
		call.setObject(8, keys);
		call.setObject(9, values);
		call.setObject(10, firsts);
		call.setObject(11, snapshots);
		call.setObject(12, keyUpdates);
		call.setObject(13, keyRead);
		call.setObject(14, listedKeys);
		call.setObject(15, spanUpdates);
		call.setObject(16, lows);
		call.setObject(17, highs);
		call.setObject(18, bounded);
		call.setInt(19, lockWait);
	}

	private static PostgresUnavailableException closed(Pending pending) {
		return new PostgresUnavailableException("Batch " + pending.batchId + " of keyspace '" + pending.keyspace.name()
				+ "' was not applied: the store is closed", null);
	}

	/**
	 * Test seam: while held, senders take nothing (batches handed over while something is in flight stay queued).
	 * @param held whether to hold them
	 */
	void holdSenders(boolean held) {
		this.lock.lock();
		try {
			this.sendersHeld = held;
			if (!held) {
				this.ready.forEach(Condition::signalAll);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Batches handed over and waiting for a sender (tests). */
	int queued() {
		this.lock.lock();
		try {
			return this.queues.stream().mapToInt(List::size).sum();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Batches committed directly by their cycle (nothing else in flight). */
	long directBatches() {
		return this.directBatches.get();
	}

	/** Batches committed on their own off the senders (alone in their sender's queue). */
	long soleBatches() {
		return this.soleBatches.get();
	}

	/** Joined commits sent (two batches or more each). */
	long joinedCalls() {
		return this.joinedCalls.get();
	}

	/** Batches sent in joined commits. */
	long joinedBatches() {
		return this.joinedBatches.get();
	}

	@Override
	public void close() {
		List<Pending> left = new ArrayList<>();
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			for (ArrayList<Pending> queue : this.queues) {
				left.addAll(queue);
				queue.clear();
			}
			this.busy -= left.size();
			this.ready.forEach(Condition::signalAll);
		}
		finally {
			this.lock.unlock();
		}
		for (Pending pending : left) {
			pending.result.completeExceptionally(closed(pending));
		}
		this.solo.shutdown(); // batches committing on their own finish
		long deadline = System.nanoTime() + this.closeWait.toNanos();
		for (Thread thread : this.senders) {
			long left2 = deadline - System.nanoTime();
			if (left2 <= 0) {
				break;
			}
			try {
				thread.join(Math.max(1, left2 / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
