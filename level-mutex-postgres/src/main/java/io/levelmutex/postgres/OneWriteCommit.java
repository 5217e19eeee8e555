package io.levelmutex.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.levelmutex.WriteOperation;
import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.UpdateFootprint;

/**
 * The commit of a batch of ONE write in one plain statement ({@link PostgresSql#commitOneWrite}) instead of the
 * commit function: a blind put or delete, or one update that wrote that one write and read at most that key or
 * one other (no non-empty span). It does what the function does for such a batch (the keyspace row's lock and
 * next sequence, the horizon, the key validation in the function's order, the upsert or the tombstone, the
 * batch-log row), for about half the server time (PL/pgSQL runs each of its statements through SPI with its own
 * executor start and snapshot). When the statement cannot decide on its own (the keyspace row's lock is held by
 * another commit: the function's contended commit takes over; the row changed after the statement's snapshot was
 * taken; an update's snapshot above the one the statement saw; no such keyspace) it writes nothing and
 * {@link #outcome} answers {@code null}: the caller then commits through the function. A blind put is sent as the
 * statement's put-only form ({@link PostgresSql#commitPut}: no validation or delete parts to plan and run). Stateless.
 */
final class OneWriteCommit {

	private static final String FUTURE_SNAPSHOT = "FUTURE_SNAPSHOT";

	private OneWriteCommit() {
	}

	/**
	 * Whether the statement covers a batch.
	 * @param batch the batch (validated)
	 * @return {@code true} for one write, blind or covered by one update listing at most one distinct read key
	 * and no non-empty span
	 */
	static boolean fits(EngineBatch batch) {
		if (batch.size() != 1) {
			return false;
		}
		List<UpdateFootprint> updates = batch.updates();
		if (updates.isEmpty()) {
			return true;
		}
		if (updates.size() != 1) {
			return false;
		}
		UpdateFootprint update = updates.get(0);
		if (update.firstOperation() != 0 || update.operationCount() != 1) {
			return false;
		}
		for (KeySpan span : update.spans()) {
			if (!span.isEmpty()) {
				return false;
			}
		}
		List<byte[]> reads = update.readKeys();
		for (byte[] read : reads) {
			if (!Arrays.equals(read, reads.get(0))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a batch that {@link #fits} is a blind put, sent as {@link PostgresSql#commitPut} (no validation, no
	 * delete).
	 * @param batch the batch
	 * @return {@code true} for one put without an update
	 */
	static boolean isBlindPut(EngineBatch batch) {
		return batch.updates().isEmpty() && batch.operations().get(0).type() == WriteOperation.Type.PUT;
	}

	/**
	 * Sets the statement's parameters for a batch that {@link #fits}: five for a blind put
	 * ({@link PostgresSql#commitPut}), otherwise seven.
	 * @param statement the prepared {@link PostgresSql#commitPut} if {@link #isBlindPut}, otherwise
	 * {@link PostgresSql#commitOneWrite}
	 * @param keyspace the keyspace
	 * @param batchId the batch id the batch log records
	 * @param nodeId the committing node
	 * @param batch the batch
	 * @throws SQLException if the driver refuses a parameter
	 */
	static void bind(PreparedStatement statement, PostgresKeyspace keyspace, UUID batchId, UUID nodeId,
			EngineBatch batch) throws SQLException {
		WriteOperation operation = batch.operations().get(0);
		statement.setInt(1, keyspace.id());
		statement.setObject(2, batchId);
		statement.setObject(3, nodeId);
		statement.setBytes(4, batch.storedKeys().get(0));
		if (operation.type() == WriteOperation.Type.PUT) {
			statement.setBytes(5, operation.value());
			if (batch.updates().isEmpty()) {
				return; // the put-only statement
			}
		}
		else {
			statement.setNull(5, Types.BINARY);
		}
		if (batch.updates().isEmpty()) {
			statement.setNull(6, Types.BIGINT);
			statement.setNull(7, Types.BINARY);
			return;
		}
		UpdateFootprint update = batch.updates().get(0);
		statement.setLong(6, update.snapshotSequence());
		if (update.readKeys().isEmpty()) {
			statement.setNull(7, Types.BINARY);
		}
		else {
			statement.setBytes(7, update.readKeys().get(0));
		}
	}

	/**
	 * The batch's outcome from the statement's row (either form), as the function would have reported it.
	 * @param rows the statement's result
	 * @param batch the batch
	 * @return the outcome, or {@code null} when the statement wrote nothing and left the decision to the function
	 * @throws SQLException if the row cannot be read
	 */
	static @Nullable CommitOutcome outcome(ResultSet rows, EngineBatch batch) throws SQLException {
		if (!rows.next()) {
			return null;
		}
		long sequence = rows.getLong(1);
		if (!rows.wasNull()) {
			return new CommitOutcome(CommitResult.applied(sequence, 1), null);
		}
		long current = rows.getLong(2);
		String reason = rows.getString(3);
		if (reason == null || FUTURE_SNAPSHOT.equals(reason)) {
			return null;
		}
		RejectionReason why = RejectionReason.valueOf(reason);
		byte[] key = switch (why) {
			case KEY_READ -> batch.updates().get(0).readKeys().get(0);
			case KEY_WRITTEN -> batch.storedKeys().get(0);
			default -> null;
		};
		return new CommitOutcome(CommitResult.rejected(current, 0, 0, key), why);
	}

}
