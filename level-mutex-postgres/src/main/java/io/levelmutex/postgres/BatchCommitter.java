package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.BlockingCalls;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeyFormat;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.UpdateFootprint;

/**
 * Commits one batch to a keyspace in ONE statement, one round trip: the schema's commit function
 * ({@link PostgresSql#commit}), called on a connection in autocommit so that the call is its own transaction and
 * its reply comes after the COMMIT. The function locks the keyspace's sequence row (commits of a keyspace
 * serialise there, for that statement and its commit only, so the sequence is gapless and in commit order across
 * nodes), validates every update against the rows written since its snapshot, truncates the batch at the first
 * rejected update (its writes and everything after it are left out; the writes before it stay), applies the rest
 * (the last write of a key winning), records the batch in the batch log and returns the sequence; when nothing is
 * applied the call fails with {@value #NOTHING_APPLIED} carrying the outcome, so its transaction rolls back: no
 * sequence is taken and no commit record is flushed while the lock is held. No session state is set per batch: {@code synchronous_commit} is set for the
 * call's transaction inside the function. The NOTIFY hint is not sent here (see {@link AfterCommit}).
 * A batch of ONE write that {@link OneWriteCommit#fits} is first sent as that class's plain statement (the same
 * lock, validation, apply and batch-log row, about half the server time, committed synchronously); when that
 * statement leaves the decision to the function (the keyspace's lock was held, or the keyspace changed after its
 * snapshot) it wrote nothing and the function is called next on the same connection, with the same batch id.
 *
 * <p>Contended commits: a call that met its keyspace's lock held (another node's commit) commits without waiting
 * for its WAL flush, so that the lock is released at its COMMIT and the next commit proceeds (the schema's
 * function says so in its reply). Before such a commit returns, and so before {@code flushed} fires and before any
 * of its writes completes, ONE more statement on the same connection makes it durable
 * ({@link DurableSequences#flush}); if that statement fails, the batch is known committed but not known durable,
 * and is resolved as a lost COMMIT is (the batch log read on a new connection, then a flush there). After such a
 * commit (or once this node's blind batches show another node's commit between them: a sequence gap) the keyspace's
 * {@link CommitRoute} sends its next commits through the schema's released-commit procedure
 * ({@link PostgresSql#commitReleased}): the same commit, lock released at its COMMIT, and the flush in a second
 * transaction of the same statement (one round trip). Any failure of that statement (not only a lost connection)
 * may have come after its COMMIT, so it is resolved through the batch log too; not found there, it is handled as
 * a failed call. Every committed outcome returned is durable, and raises the node's known durable sequence of the
 * keyspace.
 * Every wait for the server (connection, call, resolution) runs in {@link BlockingCalls#run}, lending the cycle's
 * place. Thread-safe: no mutable state; each call uses its own connection.
 *
 * <p>Failures: not applied ({@link SqlFailures#typed}: unavailable when the connection was lost, otherwise a
 * storage failure) when the call failed with an error, after the retries of serialization failures and
 * deadlocks; if the connection is lost while the call is in flight, the batch log is read under the keyspace's
 * lock (so the batch's own transaction has ended): the commit's result if it is there, not applied if not,
 * {@link PostgresOutcomeUnknownException} if that could not be found out within
 * {@link PostgresSettings#resolveWait()}.
 */
final class BatchCommitter {

	/**
	 * Test seam: performs the commit call (the statement with its parameters set). The default executes it; a test
	 * may fail before or after it to simulate a connection lost with the request or with the reply.
	 */
	interface CommitStep {

		CommitStep DEFAULT = (connection, call) -> call.executeQuery();

		ResultSet call(Connection connection, PreparedStatement call) throws SQLException;

		/**
		 * Makes a commit that did not wait for its WAL flush durable, on the commit's connection. The default runs
		 * {@link DurableSequences#flush}; a test may look at the server first, or fail as a lost connection would.
		 * @param connection the commit's connection, in autocommit
		 * @param durable the node's durable sequences
		 * @throws SQLException if the flush failed
		 */
		default void flush(Connection connection, DurableSequences durable) throws SQLException {
			durable.flush(connection);
		}

	}

	static final byte[] NO_BOUND = new byte[0];

	/** SQLSTATE of the commit function when nothing of the batch is applied (its transaction rolls back). */
	static final String NOTHING_APPLIED = "LM001";

	private final Connections connections;

	private final PostgresSettings settings;

	private final PostgresSql sql;

	private final UUID nodeId;

	private final CommitStep commitStep;

	private final DurableSequences durable;

	/**
	 * Whether a blind put goes through the schema's put function ({@link PostgresSql#commitPutFunction}) instead of
	 * the put-only statement; fixed at open.
	 */
	private final boolean putFunction;

	/** This node's batch ids (thread-safe). */
	private final BatchIds batchIds;

	/** This node's tombstone clean-ups, for the route (thread-safe). */
	private final OwnCleanUps ownCleanUps;

	BatchCommitter(Connections connections, PostgresSettings settings, PostgresSql sql, UUID nodeId,
			CommitStep commitStep, DurableSequences durable, boolean putFunction) {
		this(connections, settings, sql, nodeId, commitStep, durable, putFunction, new OwnCleanUps());
	}

	/**
	 * A committer.
	 * @param ownCleanUps this node's tombstone clean-ups (the cleaner's): a commit that met the keyspace's lock
	 * held while one ran may have met that clean-up's lock ({@link CommitRoute})
	 */
	BatchCommitter(Connections connections, PostgresSettings settings, PostgresSql sql, UUID nodeId,
			CommitStep commitStep, DurableSequences durable, boolean putFunction, OwnCleanUps ownCleanUps) {
		this.ownCleanUps = ownCleanUps;
		this.putFunction = putFunction;
		this.connections = connections;
		this.settings = settings;
		this.sql = sql;
		this.nodeId = nodeId;
		this.commitStep = commitStep;
		this.durable = durable;
		this.batchIds = new BatchIds(nodeId);
	}

	/**
	 * A new batch id for {@link #commit}: unique per batch, time-ordered ({@link BatchIds}).
	 * @return the id
	 */
	UUID newBatchId() {
		return this.batchIds.next();
	}

	/**
	 * Commits a batch (see the class comment) through the statement {@code route} chooses, and tells the route what
	 * the commit met.
	 * @param keyspace the keyspace
	 * @param batchId the id the batch log records, for outcome-unknown resolution
	 * @param batch the batch, with its keys as stored
	 * @param knownSequence a sequence of the keyspace known to be committed before this call (0 if none): the
	 * batch's sequence will be above it, which tells resolution whether a missing batch-log row may have been
	 * cleaned up
	 * @param route the keyspace's commit route on this node
	 * @return the SPI's result and the rejection's reason
	 */
	CommitOutcome commit(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch, long knownSequence,
			CommitRoute route) {
		validateInput(keyspace, batchId, batch);
		// Connection, call, retries and resolution wait for the server: the cycle pool may run another mutex's
		// cycle meanwhile.
		return BlockingCalls.run(() -> commitValidated(keyspace, batchId, batch, knownSequence, route));
	}

	/** {@link #commit} of a batch already validated ({@link #validateInput}), on the calling thread. */
	CommitOutcome commitValidated(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch,
			long knownSequence, CommitRoute route) {
		int attempts = this.settings.transientRetries() + 1;
		boolean released = route.released();
		// Before the first statement: whether this node's own clean-up of the keyspace runs during the call.
		long cleanUpMark = this.ownCleanUps.mark(keyspace.id());
		for (int attempt = 1;; attempt++) {
			Connection connection = this.connections
				.open(() -> "batch " + batchId + " of keyspace '" + keyspace.name() + "'");
			boolean sent = false;
			try {
				connection.setAutoCommit(true);
				if (!released && OneWriteCommit.fits(batch)) {
					sent = true;
					CommitOutcome one = commitOneWrite(connection, keyspace, batchId, batch);
					if (one != null) {
						if (one.committed()) {
							// Its COMMIT flushed the WAL (synchronous_commit on, lock held through the flush).
							this.durable.raise(keyspace.id(), one.result().sequence());
							route.committedAt(one.result().sequence());
						}
						return one;
					}
					// The statement committed nothing: the function decides, on the same connection.
				}
				boolean blind = batch.updates().isEmpty();
				String text = released ? (blind ? this.sql.commitReleasedBlind : this.sql.commitReleased)
						: (blind ? this.sql.commitBlind : this.sql.commit);
				try (PreparedStatement call = connection.prepareStatement(text)) {
					bind(call, keyspace, batchId, batch);
					sent = true;
					try (ResultSet rows = this.commitStep.call(connection, call)) {
						CommitOutcome outcome = outcome(keyspace, batchId, batch, rows);
						boolean flushed = rows.getBoolean(6);
						route.replied(released, flushed, outcome.committed() ? outcome.result().sequence() : -1,
								blind, !flushed && this.ownCleanUps.ranSince(keyspace.id(), cleanUpMark));
						return durable(connection, keyspace, batchId, knownSequence, outcome, flushed);
					}
				}
			}
			catch (SQLException ex) {
				if (NOTHING_APPLIED.equals(ex.getSQLState())) {
					return nothingApplied(keyspace, batchId, batch, ex);
				}
				if (sent && SqlFailures.isConnectionLost(ex)) {
					return resolve(keyspace, batchId, knownSequence, ex);
				}
				if (sent && released) {
					// The procedure may have failed after its COMMIT (the batch committed, perhaps not durable):
					// the batch log tells; not there: it failed before, and is handled as any failed call.
					CommitOutcome found = resolveFailed(keyspace, batchId, knownSequence, ex);
					if (found != null) {
						return found;
					}
				}
				if (SqlFailures.isTransient(ex) && attempt < attempts) {
					continue;
				}
				throw SqlFailures.typed("Batch " + batchId + " of keyspace '" + keyspace.name() + "' was not applied"
						+ (SqlFailures.isTransient(ex) ? " after " + attempt + " attempts" : ""), ex);
			}
			finally {
				Connections.closeQuietly(connection);
			}
		}
	}

	/**
	 * A batch of one write through {@link OneWriteCommit}'s plain statement, a blind put through its put-only form
	 * or, where the schema has it, the put function (the same commit step as the function's call, so a connection lost meanwhile is resolved through the batch log
	 * alike).
	 * @return the outcome, or {@code null} if the statement wrote nothing and the function must decide
	 */
	private @Nullable CommitOutcome commitOneWrite(Connection connection, PostgresKeyspace keyspace, UUID batchId,
			EngineBatch batch) throws SQLException {
		String text = !OneWriteCommit.isBlindPut(batch) ? this.sql.commitOneWrite
				: this.putFunction ? this.sql.commitPutFunction : this.sql.commitPut;
		try (PreparedStatement statement = connection.prepareStatement(text)) {
			OneWriteCommit.bind(statement, keyspace, batchId, this.nodeId, batch);
			try (ResultSet rows = this.commitStep.call(connection, statement)) {
				return OneWriteCommit.outcome(rows, batch);
			}
		}
	}

	void validateInput(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch) {
		if (batch.size() == 0) {
			throw new PostgresInputException("Batch " + batchId + " of keyspace '" + keyspace.name()
					+ "' has no writes");
		}
		int previous = 0;
		for (int i = 0; i < batch.updates().size(); i++) {
			UpdateFootprint update = batch.updates().get(i);
			int first = update.firstOperation();
			if (first < previous || first > batch.size()) {
				throw new PostgresInputException("Batch " + batchId + " of keyspace '" + keyspace.name()
						+ "': unit " + i + " starts at write " + first + ", not between " + previous + " and "
						+ batch.size());
			}
			if (update.operationCount() > batch.size() - first) {
				throw new PostgresInputException("Batch " + batchId + " of keyspace '" + keyspace.name()
						+ "': unit " + i + " has " + update.operationCount() + " writes from write " + first
						+ ", past the batch's " + batch.size());
			}
			previous = first;
			if (update.snapshotSequence() < 0) {
				throw new PostgresInputException("Batch " + batchId + ": unit " + i
						+ " has a negative snapshot sequence " + update.snapshotSequence());
			}
			for (byte[] key : update.readKeys()) {
				validateKey(keyspace, key);
			}
		}
		List<byte[]> keys = batch.storedKeys();
		for (int i = 0; i < batch.size(); i++) {
			validateKey(keyspace, keys.get(i));
			byte[] value = batch.operations().get(i).value();
			if (value != null && value.length > this.settings.maxValueBytes()) {
				throw new PostgresInputException("Value of " + value.length + " bytes for key "
						+ KeyFormat.abbreviate(keys.get(i)) + " of keyspace '" + keyspace.name() + "' exceeds the limit of "
						+ this.settings.maxValueBytes() + " bytes");
			}
		}
	}

	static void validateKey(PostgresKeyspace keyspace, byte @Nullable [] key) {
		if (key == null || key.length == 0) {
			throw new PostgresInputException("A key of keyspace '" + keyspace.name() + "' is null or empty");
		}
		if (key.length > PostgresSettings.MAX_KEY_BYTES) {
			throw new PostgresInputException("Key " + KeyFormat.abbreviate(key) + " of keyspace '" + keyspace.name()
					+ "' exceeds the limit of " + PostgresSettings.MAX_KEY_BYTES + " bytes");
		}
	}

	/**
	 * Sets the call's parameters: the batch as arrays, the updates' footprints flattened in update order (a batch
	 * without updates uses {@link PostgresSql#commitBlind}: five parameters). Arrays are bound with
	 * {@code setObject} (pgjdbc encodes {@code byte[][]}, {@code int[]}, {@code long[]} and {@code boolean[]} in
	 * binary by their default array types, with no type lookup per array; a {@code null} element of a
	 * {@code byte[][]} is a NULL).
	 */
	private void bind(PreparedStatement call, PostgresKeyspace keyspace, UUID batchId, EngineBatch batch)
			throws SQLException {
		int size = batch.size();
		List<byte[]> storedKeys = batch.storedKeys();
		List<WriteOperation> operations = batch.operations();
		byte[][] writeKeys = new byte[size][];
		byte[][] values = new byte[size][];
		for (int i = 0; i < size; i++) {
			writeKeys[i] = storedKeys.get(i);
			WriteOperation operation = operations.get(i);
			values[i] = operation.type() == WriteOperation.Type.PUT ? operation.value() : null;
		}
		call.setInt(1, keyspace.id());
		call.setObject(2, batchId);
		call.setObject(3, this.nodeId);
		call.setObject(4, writeKeys);
		call.setObject(5, values);
		if (batch.updates().isEmpty()) {
			return;
		}
		Footprints f = Footprints.of(batch);
		call.setObject(6, f.firsts());
		call.setObject(7, f.snapshots());
		call.setObject(8, f.keyUpdates());
		call.setObject(9, f.keyRead());
		call.setObject(10, f.keys());
		call.setObject(11, f.spanUpdates());
		call.setObject(12, f.lows());
		call.setObject(13, f.highs());
		call.setObject(14, f.bounded());
	}

	/**
	 * A batch's update footprints flattened in update order, as the commit function takes them: per update its first
	 * write and snapshot sequence; per listed key its update (from 0), whether it was read, the key; per non-empty span
	 * its update, low, high ({@link #NO_BOUND} when unbounded), bounded.
	 */
	record Footprints(int[] firsts, long[] snapshots, int[] keyUpdates, boolean[] keyRead, byte[][] keys,
			int[] spanUpdates, byte[][] lows, byte[][] highs, boolean[] bounded) {

		static Footprints of(EngineBatch batch) {
			List<UpdateFootprint> updates = batch.updates();
			List<byte[]> storedKeys = batch.storedKeys();
			int[] firsts = new int[updates.size()];
			long[] snapshots = new long[updates.size()];
			int keyCount = 0;
			int spanCount = 0;
			for (int u = 0; u < updates.size(); u++) {
				UpdateFootprint update = updates.get(u);
				firsts[u] = update.firstOperation();
				snapshots[u] = update.snapshotSequence();
				keyCount += update.readKeys().size() + update.operationCount();
				for (KeySpan span : update.spans()) {
					spanCount += span.isEmpty() ? 0 : 1;
				}
			}
			int[] keyUpdates = new int[keyCount];
			boolean[] keyRead = new boolean[keyCount];
			byte[][] keys = new byte[keyCount][];
			int[] spanUpdates = new int[spanCount];
			byte[][] lows = new byte[spanCount][];
			byte[][] highs = new byte[spanCount][];
			boolean[] bounded = new boolean[spanCount];
			int k = 0;
			int s = 0;
			for (int u = 0; u < updates.size(); u++) {
				UpdateFootprint update = updates.get(u);
				for (byte[] key : update.readKeys()) {
					keyUpdates[k] = u;
					keyRead[k] = true;
					keys[k++] = key;
				}
				for (int op = update.firstOperation(); op < update.firstOperation() + update.operationCount(); op++) {
					keyUpdates[k] = u;
					keyRead[k] = false;
					keys[k++] = storedKeys.get(op);
				}
				for (KeySpan span : update.spans()) {
					if (span.isEmpty()) {
						continue;
					}
					spanUpdates[s] = u;
					lows[s] = span.lower();
					highs[s] = span.upper() == null ? NO_BOUND : span.upper();
					bounded[s++] = span.upper() != null;
				}
			}
			return new Footprints(firsts, snapshots, keyUpdates, keyRead, keys, spanUpdates, lows, highs, bounded);
		}

	}

	/**
	 * A committed outcome made durable: as it is when the call's COMMIT flushed the WAL (it held the keyspace's
	 * lock through the flush); otherwise after one flush statement on the same connection (see the class
	 * comment), or, if that failed, as the batch log on a new connection tells (then flushed there). The node's
	 * known durable sequence of the keyspace rises to the batch's: a flush covers every commit record before it.
	 */
	private CommitOutcome durable(Connection connection, PostgresKeyspace keyspace, UUID batchId, long knownSequence,
			CommitOutcome outcome, boolean flushed) {
		if (!flushed) {
			try {
				this.commitStep.flush(connection, this.durable);
			}
			catch (SQLException ex) {
				return resolve(keyspace, batchId, knownSequence, ex);
			}
		}
		this.durable.raise(keyspace.id(), outcome.result().sequence());
		return outcome;
	}

	private CommitOutcome outcome(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch, ResultSet rows)
			throws SQLException {
		if (!rows.next() || rows.getObject(1) == null) { // the procedure replies NULLs
			throw new PostgresConfigurationException("Keyspace '" + keyspace.name() + "' (id " + keyspace.id()
					+ ") has no row in " + this.sql.keyspaceTable, null);
		}
		return outcome(rows.getLong(1), rows.getInt(2), rows.getInt(3), rows.getString(4), rows.getBytes(5));
	}

	/**
	 * The outcome of a call that applied nothing (its transaction rolled back): the function's error detail,
	 * {@code "<current sequence> <update> <reason> <conflicting key in hex>"}.
	 */
	private CommitOutcome nothingApplied(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch,
			SQLException ex) {
		String detail = null;
		for (Throwable t = ex; t != null && detail == null; t = t.getCause()) {
			if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
				detail = psql.getServerErrorMessage().getDetail();
			}
		}
		return nothingApplied(keyspace, batchId, batch, detail, SqlFailures.describe(ex), ex);
	}

	/**
	 * The outcome of a batch that applied nothing, from the commit function's LM001 detail
	 * ({@code "<current sequence> <update> <reason> <conflicting key in hex>"}).
	 * @param failure what to describe and chain when the detail is unreadable
	 */
	static CommitOutcome nothingApplied(PostgresKeyspace keyspace, UUID batchId, EngineBatch batch,
			@Nullable String detail, String description, @Nullable Exception failure) {
		String[] parts = (detail == null) ? new String[0] : detail.split(" ", -1);
		if (parts.length != 4) {
			throw new PostgresFailureException("Batch " + batchId + " of keyspace '" + keyspace.name()
					+ "' was not applied, with an unreadable outcome '" + detail + "': " + description, failure);
		}
		long sequence = Long.parseLong(parts[0]);
		int unit = Integer.parseInt(parts[1]);
		if ("FUTURE_SNAPSHOT".equals(parts[2])) {
			throw new PostgresInputException("Batch " + batchId + ": unit " + unit + " claims snapshot sequence "
					+ batch.updates().get(unit).snapshotSequence() + " of keyspace '" + keyspace.name()
					+ "', whose last committed sequence is " + sequence);
		}
		byte[] key = parts[3].isEmpty() ? null : HexFormat.of().parseHex(parts[3]);
		return outcome(sequence, 0, unit, parts[2], key);
	}

	static CommitOutcome outcome(long sequence, int applied, int unit, @Nullable String reason,
			byte @Nullable [] key) {
		if (unit < 0 || reason == null) {
			return new CommitOutcome(CommitResult.applied(sequence, applied), null);
		}
		RejectionReason why = RejectionReason.valueOf(reason);
		return new CommitOutcome(CommitResult.rejected(sequence, applied, unit, key), why);
	}

	/**
	 * Finds out whether a batch whose call lost its connection committed: under the keyspace row's lock (taken
	 * only once the batch's own transaction has ended), the batch log has its row or not. A batch found is made
	 * durable before it is reported (it may have committed without waiting for its flush): one flush statement
	 * after the lookup's transaction, on the same connection. Also resolves a committed batch whose flush
	 * statement failed (a batch lost by a crash before its flush is not found: not applied).
	 */
	CommitOutcome resolve(PostgresKeyspace keyspace, UUID batchId, long knownSequence, SQLException lost) {
		return Objects.requireNonNull(find(keyspace, batchId, knownSequence, lost, true)); // not found: find throws
	}

	/**
	 * A released-commit procedure call failed with an error other than a lost connection: it may have failed after
	 * its COMMIT (then the batch is committed, perhaps not yet durable), so the batch log is read as for a lost
	 * COMMIT.
	 * @return the committed batch's outcome, made durable; {@code null} if the batch log shows it was not applied
	 */
	@Nullable CommitOutcome resolveFailed(PostgresKeyspace keyspace, UUID batchId, long knownSequence,
			SQLException failure) {
		return find(keyspace, batchId, knownSequence, failure, false);
	}

	/**
	 * The batch log's answer for a batch whose call failed ({@code lost}: with its connection): found, it is made
	 * durable and returned; not found, {@code null} (a failed call) or, for a lost connection, a
	 * {@link PostgresUnavailableException} saying it was not applied.
	 */
	private @Nullable CommitOutcome find(PostgresKeyspace keyspace, UUID batchId, long knownSequence,
			SQLException lost, boolean connectionLost) {
		Duration wait = this.settings.resolveWait();
		long deadline = System.nanoTime() + wait.toNanos();
		String what = "batch " + batchId + " of keyspace '" + keyspace.name() + "'";
		Connection connection;
		try {
			connection = this.connections.open("resolving the outcome of " + what, wait);
		}
		catch (PostgresUnavailableException ex) {
			throw unknown(what, batchId, lost, connectionLost, "the server stayed unreachable for " + wait.toMillis() + " ms");
		}
		try {
			connection.setAutoCommit(false);
			long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
			try (PreparedStatement statement = connection.prepareStatement(this.sql.lockTimeout)) {
				statement.setString(1, Long.toString(left));
				statement.executeQuery().close();
			}
			long horizon;
			try (PreparedStatement lock = connection.prepareStatement(this.sql.lockKeyspace)) {
				lock.setInt(1, keyspace.id());
				try (ResultSet rows = lock.executeQuery()) {
					rows.next();
					horizon = rows.getLong(1);
				}
			}
			try (PreparedStatement find = connection.prepareStatement(this.sql.findBatch)) {
				find.setInt(1, keyspace.id());
				find.setLong(2, knownSequence);
				find.setObject(3, batchId);
				try (ResultSet rows = find.executeQuery()) {
					if (rows.next()) {
						CommitOutcome found = outcome(rows.getLong(1), rows.getInt(2), rows.getInt(3),
								rows.getString(4), rows.getBytes(5));
						rows.close();
						connection.commit();
						connection.setAutoCommit(true);
						try {
							this.durable.flush(connection);
						}
						catch (SQLException ex) {
							throw unknown(what, batchId, lost, connectionLost, "it committed, but the statement making it durable "
									+ "failed: " + SqlFailures.describe(ex));
						}
						this.durable.raise(keyspace.id(), found.result().sequence());
						return found;
					}
					if (horizon > knownSequence) {
						throw unknown(what, batchId, lost, connectionLost, "the clean-up already removed batch-log rows up to sequence "
								+ horizon);
					}
					if (!connectionLost) {
						return null;
					}
					throw new PostgresUnavailableException("The connection was lost during the COMMIT of " + what
							+ "; the batch log shows it was not applied: " + SqlFailures.describe(lost), lost);
				}
			}
		}
		catch (SQLException ex) {
			throw unknown(what, batchId, lost, connectionLost, SqlFailures.isLockTimeout(ex)
					? "its transaction still held the keyspace's lock after " + wait.toMillis() + " ms"
					: "the batch log could not be read: " + SqlFailures.describe(ex));
		}
		finally {
			Connections.rollbackQuietly(connection);
			Connections.closeQuietly(connection);
		}
	}

	private static PostgresOutcomeUnknownException unknown(String what, UUID batchId, SQLException lost,
			boolean connectionLost, String why) {
		return new PostgresOutcomeUnknownException((connectionLost ? "The connection was lost during the COMMIT of "
				: "The commit of ") + what + (connectionLost ? "" : " failed, possibly after its COMMIT,")
				+ " and its outcome is unknown (" + why + "); it committed entirely or not at all: "
				+ SqlFailures.describe(lost), batchId, lost);
	}

}
