package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.BlockingCalls;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

/**
 * Answers a {@link ReadPlan} with ONE statement in autocommit ({@link PostgresSql#readPlan}; a plan of one key and
 * no scan with {@link PostgresSql#readOneKey}, which the server plans once per connection): the keyspace's
 * sequence, every get (the keys unnested and joined to the entries) and every bounded scan (one LATERAL index range
 * scan each, with its order and limit) in one round trip. A single statement sees one snapshot even at READ
 * COMMITTED, so every answer and the sequence are of one committed state; no REPEATABLE READ transaction is needed
 * (and none is held open between statements: there is only one). Tombstones are no entries. When the last batch
 * the read saw committed without waiting for its WAL flush (a contended commit) and this node does not know it
 * durable yet, the statement also returned the server's WAL insert position (read after its snapshot) and flush
 * position; unless the flush position has passed the insert position (then all it saw is durable already), ONE
 * flush statement on the same connection runs before the answer is returned ({@link DurableSequences}): nothing
 * read is handed out before it is durable. Thread-safe: no mutable state;
 * each read takes its own connection and returns it.
 */
final class PlanReader {

	/**
	 * The bound standing for "the end of the keyspace": longer than the longest key, all 0xff, so above every
	 * stored key in bytea's (unsigned, memcmp) order.
	 */
	private static final byte[] END = endBound();

	private static final Comparator<KeyValue> ASCENDING = (a, b) -> Arrays.compareUnsigned(a.key(), b.key());

	private final Connections connections;

	private final PostgresSql sql;

	private final DurableSequences durable;

	/** Reads answered or failed, and their time on the client (connection, statement, any flush); any thread. */
	private final LongAdder reads = new LongAdder();

	private final LongAdder readNanos = new LongAdder();

	PlanReader(Connections connections, PostgresSql sql, DurableSequences durable) {
		this.connections = connections;
		this.sql = sql;
		this.durable = durable;
	}

	/**
	 * Reads a plan.
	 * @param keyspace the keyspace
	 * @param plan the reads
	 * @return the answers, with the sequence of the state they were read on
	 * @throws io.levelmutex.StorageException typed ({@link SqlFailures#typed}) if the read failed
	 * @throws PostgresConfigurationException if the keyspace has no row
	 */
	ReadResult read(PostgresKeyspace keyspace, ReadPlan plan) {
		List<ReadPlan.Scan> scans = plan.scans();
		List<List<KeyValue>> found = new ArrayList<>(scans.size());
		Scans ascending = new Scans();
		Scans descending = new Scans();
		for (int i = 0; i < scans.size(); i++) {
			ReadPlan.Scan scan = scans.get(i);
			found.add(new ArrayList<>(0));
			if (!scan.isEmpty()) {
				(scan.ascending() ? ascending : descending).add(i, scan);
			}
		}
		List<byte[]> keys = plan.keys();
		List<byte @Nullable []> values = new ArrayList<>(keys.size());
		for (int i = 0; i < keys.size(); i++) {
			values.add(null);
		}
		String what = "a read of keyspace '" + keyspace.name() + "' (" + keys.size() + " keys, " + scans.size()
				+ " scans)";
		// the connection and the round trip: the cycle pool may run another mutex's cycle meanwhile
		long start = System.nanoTime();
		long sequence = BlockingCalls.run(() -> {
			Connection connection = this.connections.open(what);
			try {
				if (!connection.getAutoCommit()) {
					connection.setAutoCommit(true); // one statement, its own snapshot: no transaction to hold
				}
				if (keys.size() == 1 && ascending.size() == 0 && descending.size() == 0) {
					try (PreparedStatement statement = connection.prepareStatement(this.sql.readOneKey)) {
						statement.setInt(1, keyspace.id());
						statement.setInt(2, keyspace.id());
						statement.setBytes(3, keys.get(0));
						return durable(connection, keyspace, answer(statement, values, found));
					}
				}
				try (PreparedStatement statement = connection.prepareStatement(
						this.sql.readPlan(!keys.isEmpty(), ascending.size() > 0, descending.size() > 0))) {
					int index = 1;
					statement.setInt(index++, keyspace.id());
					if (!keys.isEmpty()) {
						statement.setArray(index++, connection.createArrayOf("bytea", keys.toArray(new byte[0][])));
						statement.setInt(index++, keyspace.id());
					}
					index = ascending.bind(statement, connection, index, keyspace.id());
					descending.bind(statement, connection, index, keyspace.id());
					return durable(connection, keyspace, answer(statement, values, found));
				}
			}
			catch (SQLException ex) {
				throw SqlFailures.typed("Could not read keyspace '" + keyspace.name() + "' (" + what + ")", ex);
			}
			finally {
				Connections.closeQuietly(connection);
				this.readNanos.add(System.nanoTime() - start);
				this.reads.increment();
			}
		});
		if (sequence < 0) {
			throw new PostgresConfigurationException("Keyspace '" + keyspace.name() + "' (id " + keyspace.id()
					+ ") has no row in " + this.sql.keyspaceTable, null);
		}
		for (int i = 0; i < scans.size(); i++) {
			found.get(i).sort(scans.get(i).ascending() ? ASCENDING : ASCENDING.reversed());
		}
		return new ReadResult(sequence, values, found);
	}

	/**
	 * The sequence a read saw, once what it saw is durable: a flush on the read's connection first when its last
	 * batch committed without its flush and is above what this node knows durable.
	 * @param seen what the sequence row said, or null when there was none
	 * @return the sequence, or -1 if there was no row
	 */
	private long durable(Connection connection, PostgresKeyspace keyspace, @Nullable SequenceRow row) throws SQLException {
		if (row == null) {
			return -1;
		}
		DurableSequences.Seen seen = row.seen();
		if (this.durable.mustFlush(keyspace.id(), seen, row.insertLsn(), row.flushLsn())) {
			this.durable.flush(connection);
			this.durable.raise(keyspace.id(), seen.sequence());
		}
		return seen.sequence();
	}

	/**
	 * The sequence row of a read: what it saw, and the WAL positions read after its snapshot (-1 when none: the
	 * last batch was flushed before it became visible, or synchronous standbys are named).
	 */
	record SequenceRow(DurableSequences.Seen seen, long insertLsn, long flushLsn) {

		static SequenceRow of(ResultSet rows, long sequence, boolean unflushed, int positions) throws SQLException {
			long inserted = rows.getLong(positions);
			if (rows.wasNull()) {
				inserted = -1;
			}
			long flushed = rows.getLong(positions + 1);
			if (rows.wasNull()) {
				flushed = -1;
			}
			return new SequenceRow(new DurableSequences.Seen(sequence, unflushed), inserted, flushed);
		}

	}

	/** Reads run (probes). */
	long reads() {
		return this.reads.sum();
	}

	/** Their time on the client, in nanoseconds (probes). */
	long readNanos() {
		return this.readNanos.sum();
	}

	/** Runs the statement and fills in the answers; returns the sequence row, or null if it had none. */
	private static @Nullable SequenceRow answer(PreparedStatement statement, List<byte @Nullable []> values,
			List<List<KeyValue>> found) throws SQLException {
		SequenceRow sequence = null;
		try (ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				switch (rows.getInt(1)) {
					case 0 -> sequence = SequenceRow.of(rows, rows.getLong(5), rows.getInt(2) == 1, 6);
					case 1 -> values.set(rows.getInt(2) - 1, rows.getBytes(4));
					default -> found.get(rows.getInt(2)).add(new KeyValue(rows.getBytes(3), rows.getBytes(4)));
				}
			}
		}
		return sequence;
	}

	/** The scans of one direction, as the statement's parallel arrays. */
	private static final class Scans {

		private final List<Integer> indexes = new ArrayList<>();

		private final List<byte[]> lows = new ArrayList<>();

		private final List<byte[]> highs = new ArrayList<>();

		private final List<Integer> limits = new ArrayList<>();

		void add(int index, ReadPlan.Scan scan) {
			this.indexes.add(index);
			this.lows.add(scan.span().lower());
			byte[] upper = scan.span().upper();
			this.highs.add((upper != null) ? upper : END);
			this.limits.add(scan.limit());
		}

		int size() {
			return this.indexes.size();
		}

		int bind(PreparedStatement statement, Connection connection, int first, int keyspaceId) throws SQLException {
			if (this.indexes.isEmpty()) {
				return first;
			}
			int index = first;
			statement.setArray(index++, connection.createArrayOf("int4", this.indexes.toArray(new Integer[0])));
			statement.setArray(index++, connection.createArrayOf("bytea", this.lows.toArray(new byte[0][])));
			statement.setArray(index++, connection.createArrayOf("bytea", this.highs.toArray(new byte[0][])));
			statement.setArray(index++, connection.createArrayOf("int4", this.limits.toArray(new Integer[0])));
			statement.setInt(index++, keyspaceId);
			return index;
		}

	}

	private static byte[] endBound() {
		byte[] end = new byte[PostgresSettings.MAX_KEY_BYTES + 1];
		Arrays.fill(end, (byte) 0xff);
		return end;
	}

}
