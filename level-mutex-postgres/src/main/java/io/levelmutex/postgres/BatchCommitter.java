package io.levelmutex.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.levelmutex.postgres.PostgresSnapshot.Key;
import io.levelmutex.postgres.RejectedUnit.Reason;
import io.levelmutex.engine.KeyFormat;

/**
 * Commits one batch to a keyspace in ONE transaction: lock the keyspace's sequence row
 * ({@code UPDATE ... RETURNING}: commits of a keyspace serialise there, so the sequence is gapless and in
 * commit order across nodes; a rolled-back transaction leaves no gap), validate every unit against the rows
 * written since its snapshot (two queries for all units), truncate the batch at the first rejected unit (its
 * writes and everything after it are left out; the writes before it stay), apply the rest with two multi-row
 * statements, record the batch in the batch log, COMMIT, and only then send the NOTIFY hint. When the first
 * rejected unit starts the batch nothing is applied: the transaction rolls back and no sequence is taken.
 * Thread-safe: no mutable state; each call uses its own connection.
 *
 * <p>Failures: not applied ({@link SqlFailures#typed}: unavailable when the connection was lost, otherwise a
 * storage failure) when the batch's transaction failed before COMMIT, after the retries of serialization
 * failures and deadlocks; if the connection is lost while COMMIT is in flight, the batch log is read under the
 * keyspace's lock (so the batch's own transaction has ended): the commit's result if it is there, not applied
 * if not, {@link PostgresOutcomeUnknownException} if that could not be found out within
 * {@link PostgresSettings#resolveWait()}.
 */
final class BatchCommitter {

	/** Test seam: runs inside the transaction right before COMMIT, and performs the COMMIT. */
	interface CommitStep {

		CommitStep DEFAULT = (connection, sequence) -> connection.commit();

		void commit(Connection connection, long sequence) throws SQLException;

	}

	private final Connections connections;

	private final PostgresSettings settings;

	private final UUID nodeId;

	private final CommitStep commitStep;

	BatchCommitter(Connections connections, PostgresSettings settings, UUID nodeId, CommitStep commitStep) {
		this.connections = connections;
		this.settings = settings;
		this.nodeId = nodeId;
		this.commitStep = commitStep;
	}

	CommitResult commit(PostgresKeyspace keyspace, Batch batch) {
		validateInput(keyspace, batch);
		int attempts = this.settings.transientRetries() + 1;
		for (int attempt = 1;; attempt++) {
			Connection connection = this.connections
				.open("batch " + batch.id() + " of keyspace '" + keyspace.name() + "'");
			boolean commitSent = false;
			long attemptSequence = 0;
			try {
				connection.setAutoCommit(false);
				connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
				Attempt result = run(connection, keyspace, batch);
				if (result.appliedOps == 0) {
					connection.rollback();
					return new CommitResult(batch.id(), result.sequence - 1, false, 0, result.rejected);
				}
				commitSent = true;
				attemptSequence = result.sequence;
				this.commitStep.commit(connection, result.sequence);
				notifyQuietly(connection, keyspace, result.sequence);
				return new CommitResult(batch.id(), result.sequence, true, result.appliedOps, result.rejected);
			}
			catch (SQLException ex) {
				Connections.rollbackQuietly(connection);
				if (commitSent && SqlFailures.isConnectionLost(ex)) {
					return resolve(keyspace, batch, attemptSequence, ex);
				}
				if (SqlFailures.isTransient(ex) && attempt < attempts) {
					continue;
				}
				throw SqlFailures.typed("Batch " + batch.id() + " of keyspace '" + keyspace.name()
						+ "' was not applied" + (SqlFailures.isTransient(ex) ? " after " + attempt + " attempts" : ""),
						ex);
			}
			catch (RuntimeException ex) {
				Connections.rollbackQuietly(connection);
				throw ex;
			}
			finally {
				Connections.closeQuietly(connection);
			}
		}
	}

	private void validateInput(PostgresKeyspace keyspace, Batch batch) {
		if (batch.ops().isEmpty()) {
			throw new PostgresInputException("Batch " + batch.id() + " of keyspace '" + keyspace.name()
					+ "' has no writes");
		}
		int previous = 0;
		for (int i = 0; i < batch.units().size(); i++) {
			UnitFootprint unit = batch.units().get(i);
			if (unit.firstOp() < previous || unit.firstOp() > batch.ops().size()) {
				throw new PostgresInputException("Batch " + batch.id() + " of keyspace '" + keyspace.name()
						+ "': unit " + i + " starts at write " + unit.firstOp() + ", not between " + previous + " and "
						+ batch.ops().size());
			}
			previous = unit.firstOp();
			if (unit.snapshotSequence() < 0) {
				throw new PostgresInputException("Batch " + batch.id() + ": unit " + i
						+ " has a negative snapshot sequence " + unit.snapshotSequence());
			}
			for (byte[] key : unit.readKeys()) {
				validateKey(keyspace, key);
			}
			for (byte[] key : unit.writtenKeys()) {
				validateKey(keyspace, key);
			}
		}
		for (BatchOp op : batch.ops()) {
			validateKey(keyspace, op.key());
			byte[] value = op.value();
			if (value != null && value.length > this.settings.maxValueBytes()) {
				throw new PostgresInputException("Value of " + value.length + " bytes for key "
						+ KeyFormat.abbreviate(op.key()) + " of keyspace '" + keyspace.name() + "' exceeds the limit of "
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

	private record Attempt(long sequence, int appliedOps, @Nullable RejectedUnit rejected) {
	}

	private Attempt run(Connection connection, PostgresKeyspace keyspace, Batch batch) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL synchronous_commit = on");
		}
		long sequence;
		long horizon;
		try (PreparedStatement lock = connection.prepareStatement("UPDATE " + this.settings.table("keyspace")
				+ " SET seq = seq + 1 WHERE id = ? RETURNING seq, horizon")) {
			lock.setInt(1, keyspace.id());
			try (ResultSet rows = lock.executeQuery()) {
				if (!rows.next()) {
					throw new PostgresConfigurationException("Keyspace '" + keyspace.name() + "' (id " + keyspace.id()
							+ ") has no row in " + this.settings.table("keyspace"), null);
				}
				sequence = rows.getLong(1);
				horizon = rows.getLong(2);
			}
		}
		for (int i = 0; i < batch.units().size(); i++) {
			UnitFootprint unit = batch.units().get(i);
			if (unit.snapshotSequence() >= sequence) {
				throw new PostgresInputException("Batch " + batch.id() + ": unit " + i + " claims snapshot "
						+ "sequence " + unit.snapshotSequence() + " of keyspace '" + keyspace.name()
						+ "', whose last committed sequence is " + (sequence - 1));
			}
		}
		RejectedUnit rejected = firstRejected(connection, keyspace, batch, horizon);
		int applied = (rejected != null) ? batch.units().get(rejected.unit()).firstOp() : batch.ops().size();
		if (applied == 0) {
			return new Attempt(sequence, 0, rejected);
		}
		Map<Key, BatchOp> last = new LinkedHashMap<>();
		for (BatchOp op : batch.ops().subList(0, applied)) {
			Key key = new Key(op.key());
			last.remove(key);
			last.put(key, op);
		}
		apply(connection, keyspace, sequence, last.values());
		record(connection, keyspace, batch, sequence, applied, rejected);
		return new Attempt(sequence, applied, rejected);
	}

	/**
	 * Validates every unit in two queries (keys, spans) and returns the first rejected one in batch order, or
	 * null. Validation reads rows committed by other transactions only: the batch's own writes are not applied yet.
	 */
	private @Nullable RejectedUnit firstRejected(Connection connection, PostgresKeyspace keyspace, Batch batch,
			long horizon) throws SQLException {
		if (batch.units().isEmpty()) {
			return null;
		}
		Map<Integer, RejectedUnit> conflicts = new HashMap<>();
		List<Integer> keyUnits = new ArrayList<>();
		List<Long> keySnapshots = new ArrayList<>();
		List<Boolean> keyRead = new ArrayList<>();
		List<byte[]> keys = new ArrayList<>();
		List<Integer> spanUnits = new ArrayList<>();
		List<Long> spanSnapshots = new ArrayList<>();
		List<byte[]> lows = new ArrayList<>();
		List<byte[]> highs = new ArrayList<>();
		List<Boolean> bounded = new ArrayList<>();
		for (int i = 0; i < batch.units().size(); i++) {
			UnitFootprint unit = batch.units().get(i);
			if (unit.snapshotSequence() < horizon) {
				// The first such unit wins over any later conflict; earlier units' conflicts are found below.
				conflicts.put(i, new RejectedUnit(i, Reason.SNAPSHOT_TOO_OLD, null));
				break;
			}
			for (byte[] key : unit.readKeys()) {
				keyUnits.add(i);
				keySnapshots.add(unit.snapshotSequence());
				keyRead.add(true);
				keys.add(key);
			}
			for (byte[] key : unit.writtenKeys()) {
				keyUnits.add(i);
				keySnapshots.add(unit.snapshotSequence());
				keyRead.add(false);
				keys.add(key);
			}
			for (UnitFootprint.Span span : unit.spans()) {
				if (span.isEmpty()) {
					continue;
				}
				spanUnits.add(i);
				spanSnapshots.add(unit.snapshotSequence());
				lows.add(span.low());
				highs.add(span.high() == null ? new byte[0] : span.high());
				bounded.add(span.high() != null);
			}
		}
		String entries = this.settings.table("entry");
		if (!keys.isEmpty()) {
			String sql = "SELECT u.unit, u.is_read, e.key FROM unnest(?::int[], ?::bigint[], ?::boolean[], ?::bytea[]) "
					+ "WITH ORDINALITY AS u(unit, snap, is_read, key, n) JOIN " + entries
					+ " e ON e.keyspace_id = ? AND e.key = u.key AND e.seq > u.snap ORDER BY u.n";
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setArray(1, connection.createArrayOf("int4", keyUnits.toArray()));
				statement.setArray(2, connection.createArrayOf("int8", keySnapshots.toArray()));
				statement.setArray(3, connection.createArrayOf("bool", keyRead.toArray()));
				statement.setArray(4, bytea(connection, keys));
				statement.setInt(5, keyspace.id());
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						int unit = rows.getInt(1);
						Reason reason = rows.getBoolean(2) ? Reason.KEY_READ : Reason.KEY_WRITTEN;
						conflicts.putIfAbsent(unit, new RejectedUnit(unit, reason, rows.getBytes(3)));
					}
				}
			}
		}
		if (!lows.isEmpty()) {
			String sql = "SELECT s.unit, c.key FROM unnest(?::int[], ?::bigint[], ?::bytea[], ?::bytea[], ?::boolean[]) "
					+ "WITH ORDINALITY AS s(unit, snap, low, high, bounded, n) CROSS JOIN LATERAL (SELECT e.key FROM "
					+ entries + " e WHERE e.keyspace_id = ? AND e.seq > s.snap AND e.key >= s.low "
					+ "AND (NOT s.bounded OR e.key < s.high) ORDER BY e.key LIMIT 1) c ORDER BY s.n";
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setArray(1, connection.createArrayOf("int4", spanUnits.toArray()));
				statement.setArray(2, connection.createArrayOf("int8", spanSnapshots.toArray()));
				statement.setArray(3, bytea(connection, lows));
				statement.setArray(4, bytea(connection, highs));
				statement.setArray(5, connection.createArrayOf("bool", bounded.toArray()));
				statement.setInt(6, keyspace.id());
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						int unit = rows.getInt(1);
						conflicts.putIfAbsent(unit, new RejectedUnit(unit, Reason.SPAN, rows.getBytes(2)));
					}
				}
			}
		}
		for (int i = 0; i < batch.units().size(); i++) {
			RejectedUnit reason = conflicts.get(i);
			if (reason != null) {
				return reason;
			}
		}
		return null;
	}

	private void apply(Connection connection, PostgresKeyspace keyspace, long sequence, Iterable<BatchOp> ops)
			throws SQLException {
		List<byte[]> putKeys = new ArrayList<>();
		List<byte[]> putValues = new ArrayList<>();
		List<byte[]> delKeys = new ArrayList<>();
		for (BatchOp op : ops) {
			if (op.value() == null) {
				delKeys.add(op.key());
			}
			else {
				putKeys.add(op.key());
				putValues.add(op.value());
			}
		}
		String entries = this.settings.table("entry");
		if (!putKeys.isEmpty()) {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + entries
					+ " (keyspace_id, key, value, seq) SELECT ?, t.k, t.v, ? FROM unnest(?::bytea[], ?::bytea[]) AS t(k, v) "
					+ "ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq")) {
				statement.setInt(1, keyspace.id());
				statement.setLong(2, sequence);
				statement.setArray(3, bytea(connection, putKeys));
				statement.setArray(4, bytea(connection, putValues));
				statement.executeUpdate();
			}
		}
		if (!delKeys.isEmpty()) {
			// Tombstones: a delete stays visible to span validation until the clean-up removes it.
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + entries
					+ " SET value = NULL, seq = ? WHERE keyspace_id = ? AND key = ANY(?) AND value IS NOT NULL")) {
				statement.setLong(1, sequence);
				statement.setInt(2, keyspace.id());
				statement.setArray(3, bytea(connection, delKeys));
				statement.executeUpdate();
			}
		}
	}

	private void record(Connection connection, PostgresKeyspace keyspace, Batch batch, long sequence, int applied,
			@Nullable RejectedUnit rejected) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.settings.table("batch")
				+ " (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key) "
				+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
			statement.setObject(1, batch.id());
			statement.setInt(2, keyspace.id());
			statement.setLong(3, sequence);
			statement.setObject(4, this.nodeId);
			statement.setInt(5, applied);
			statement.setInt(6, rejected == null ? -1 : rejected.unit());
			statement.setString(7, rejected == null ? null : rejected.reason().name());
			statement.setBytes(8, rejected == null ? null : rejected.key());
			statement.executeUpdate();
		}
	}

	private void notifyQuietly(Connection connection, PostgresKeyspace keyspace, long sequence) {
		try {
			connection.setAutoCommit(true);
			try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
				statement.setString(1, this.settings.channel());
				statement.setString(2, keyspace.id() + ":" + sequence);
				statement.execute();
			}
		}
		catch (SQLException ex) {
			// A hint only: listeners catch up by polling the sequence.
		}
	}

	/**
	 * Finds out whether a batch whose COMMIT lost its connection committed: under the keyspace row's lock (taken
	 * only once the batch's own transaction has ended), the batch log has its row or not.
	 */
	private CommitResult resolve(PostgresKeyspace keyspace, Batch batch, long attemptSequence, SQLException lost) {
		Duration wait = this.settings.resolveWait();
		long deadline = System.nanoTime() + wait.toNanos();
		String what = "batch " + batch.id() + " of keyspace '" + keyspace.name() + "'";
		Connection connection;
		try {
			connection = this.connections.open("resolving the outcome of " + what, wait);
		}
		catch (PostgresUnavailableException ex) {
			throw unknown(what, batch, lost, "the server stayed unreachable for " + wait.toMillis() + " ms");
		}
		try {
			connection.setAutoCommit(false);
			long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET LOCAL lock_timeout = " + left);
			}
			long horizon;
			try (PreparedStatement lock = connection.prepareStatement(
					"SELECT horizon FROM " + this.settings.table("keyspace") + " WHERE id = ? FOR UPDATE")) {
				lock.setInt(1, keyspace.id());
				try (ResultSet rows = lock.executeQuery()) {
					rows.next();
					horizon = rows.getLong(1);
				}
			}
			try (PreparedStatement find = connection.prepareStatement("SELECT seq, applied_ops, rejected_unit, "
					+ "rejected_reason, rejected_key FROM " + this.settings.table("batch") + " WHERE batch_id = ?")) {
				find.setObject(1, batch.id());
				try (ResultSet rows = find.executeQuery()) {
					boolean found = rows.next();
					if (!found && horizon >= attemptSequence) {
						throw unknown(what, batch, lost, "the clean-up already removed batch-log rows up to sequence "
								+ horizon);
					}
					if (!found) {
						throw new PostgresUnavailableException(
								"The connection was lost during the COMMIT of " + what + "; the batch log shows it was "
										+ "not applied: " + SqlFailures.describe(lost),
								lost);
					}
					long sequence = rows.getLong(1);
					int applied = rows.getInt(2);
					int unit = rows.getInt(3);
					String reason = rows.getString(4);
					byte[] key = rows.getBytes(5);
					RejectedUnit rejected = (unit < 0 || reason == null) ? null
							: new RejectedUnit(unit, Reason.valueOf(reason), key);
					return new CommitResult(batch.id(), sequence, true, applied, rejected);
				}
			}
		}
		catch (SQLException ex) {
			throw unknown(what, batch, lost, SqlFailures.isLockTimeout(ex)
					? "its transaction still held the keyspace's lock after " + wait.toMillis() + " ms"
					: "the batch log could not be read: " + SqlFailures.describe(ex));
		}
		finally {
			Connections.rollbackQuietly(connection);
			Connections.closeQuietly(connection);
		}
	}

	private static PostgresOutcomeUnknownException unknown(String what, Batch batch, SQLException lost,
			String why) {
		return new PostgresOutcomeUnknownException("The connection was lost during the COMMIT of " + what
				+ " and its outcome is unknown (" + why + "); it committed entirely or not at all: "
				+ SqlFailures.describe(lost), batch.id(), lost);
	}

	static Array bytea(Connection connection, List<byte[]> values) throws SQLException {
		return connection.createArrayOf("bytea", values.toArray(new byte[0][]));
	}

}
