package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static io.levelmutex.postgres.ContendedKeyspaces.put;
import static io.levelmutex.postgres.ContendedKeyspaces.whileLockHeld;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;

/**
 * Reads and snapshots that saw a batch committed without its flush ({@code async_seq = seq}) and skip their flush
 * statement when the WAL positions their own statement returned show the WAL flushed past it already
 * ({@link DurableSequences#mustFlush(int, DurableSequences.Seen, long, long)}), and never hand out a batch whose
 * commit record is not flushed: after every read the server's flush position is at or past the position the
 * test read right after the batch became visible, whichever way the read went. The server's flush position is
 * not the test's to hold still (its WAL writer and any other commit move it), so the tests that show a skip make
 * the WAL flushed first (a synchronous commit of their own) and try a few fresh readers; the guarantee holds on
 * every try.
 */
class DurableReadPositionsTest extends ClusterTestSupport {

	private static final int TRIES = 5;

	private final DurableSequences.Seen unflushed = new DurableSequences.Seen(7, true);

	@Test
	void positionsShowingTheWalFlushedPastTheInsertPositionNeedNoFlushAndRaiseTheKnownSequence() {
		DurableSequences durable = new DurableSequences(new PostgresSql("t_"), true);

		assertThat(durable.mustFlush(1, this.unflushed, 1000, 1000)).isFalse();
		assertThat(durable.durable(1)).isEqualTo(7);
		assertThat(durable.mustFlush(2, this.unflushed, 1000, 5000)).isFalse();
		assertThat(durable.unflushedReads()).isEqualTo(2);
		assertThat(durable.flushedByPosition()).isEqualTo(2);
		assertThat(durable.mustFlush(1, this.unflushed, 9000, 0)).as("known durable already").isFalse();
		assertThat(durable.unflushedReads()).isEqualTo(2);
	}

	@Test
	void aFlushPositionBehindTheInsertPositionOrNoneOrThePositionsOffStillFlush() {
		DurableSequences durable = new DurableSequences(new PostgresSql("t_"), true);

		assertThat(durable.mustFlush(1, this.unflushed, 1000, 999)).as("one byte behind").isTrue();
		assertThat(durable.mustFlush(1, this.unflushed, 1000, -1)).as("synchronous standbys named").isTrue();
		assertThat(durable.mustFlush(1, this.unflushed, -1, 1000)).as("no insert position").isTrue();
		assertThat(durable.mustFlush(1, this.unflushed, 0, 0)).as("positions at 0/0 are positions").isFalse();
		DurableSequences off = new DurableSequences(new PostgresSql("t_"), false);
		assertThat(off.mustFlush(1, this.unflushed, 1000, 5000)).as("positions off").isTrue();
		assertThat(off.durable(1)).isZero();
		assertThat(off.flushedByPosition()).isZero();
		assertThat(off.unflushedReads()).isEqualTo(1);
	}

	@Test
	void aSynchronousLastBatchNeedsNoPositions() {
		DurableSequences durable = new DurableSequences(new PostgresSql("t_"), true);

		assertThat(durable.mustFlush(1, new DurableSequences.Seen(3, false), -1, -1)).isFalse();
		assertThat(durable.durable(1)).isEqualTo(3);
		assertThat(durable.unflushedReads()).isZero();
	}

	@Test
	void aReadAfterAnotherNodesContendedCommitWhoseWalIsFlushedSendsNoFlushStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode writer = open(database);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		boolean skipped = false;
		for (int attempt = 0; attempt < TRIES && !skipped; attempt++) {
			String value = "v" + (attempt + 2);
			whileLockHeld(ks, () -> writer.commit(ks, put("k", value)));
			long visibleBefore = walPosition(database, "pg_current_wal_insert_lsn()");
			flushWal(database);
			CountingDataSource counting = new CountingDataSource(newDatabase());
			TestNode reader = TestNode.open(counting, fastSettings(), true);
			int before = counting.executions.get();

			ReadResult read = reader.read(ks, ReadPlan.get(bytes("k")));

			assertThat(walPosition(database, "pg_current_wal_flush_lsn()")).isGreaterThanOrEqualTo(visibleBefore);
			assertThat(reader.durable().unflushedReads()).isEqualTo(1);
			assertThat(reader.durable().flushes() + reader.durable().flushedByPosition()).isEqualTo(1);
			assertThat(counting.executions.get() - before).isEqualTo(1 + (int) reader.durable().flushes());
			assertThat(reader.durable().durable(ks.id())).isEqualTo(read.sequence());
			skipped = reader.durable().flushedByPosition() == 1;
		}
		assertThat(skipped).as("a read within " + TRIES + " tries sent the read alone").isTrue();
	}

	@Test
	void aSnapshotAfterAnotherNodesContendedCommitWhoseWalIsFlushedRunsNoFlushStatement() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode writer = open(database);
		PostgresKeyspace ks = writer.keyspace("ks");
		writer.commit(ks, put("k", "v1"));
		boolean skipped = false;
		for (int attempt = 0; attempt < TRIES && !skipped; attempt++) {
			whileLockHeld(ks, () -> writer.commit(ks, put("k", "v2")));
			long visibleBefore = walPosition(database, "pg_current_wal_insert_lsn()");
			flushWal(database);
			TestNode reader = open(newDatabase());
			try (TestSnapshot snapshot = reader.snapshot(ks)) {
				assertThat(walPosition(database, "pg_current_wal_flush_lsn()")).isGreaterThanOrEqualTo(visibleBefore);
				assertThat(reader.durable().unflushedReads()).isEqualTo(1);
				assertThat(reader.durable().flushes() + reader.durable().flushedByPosition()).isEqualTo(1);
				assertThat(reader.durable().durable(ks.id())).isEqualTo(snapshot.sequence());
			}
			skipped = reader.durable().flushedByPosition() == 1;
		}
		assertThat(skipped).as("a snapshot within " + TRIES + " tries ran no flush").isTrue();
	}

	/**
	 * Another session commits batches the way a contended commit does, but with {@code synchronous_commit} off and
	 * no flush afterwards (nobody flushes them but the server's WAL writer and other commits): seeded rounds of
	 * reads, snapshots and, between some, WAL-writing statements of a third session left unflushed. After every
	 * read its batch's commit record is flushed, whether the read flushed or found it flushed.
	 */
	@Test
	void batchesCommittedWithSynchronousCommitOffAndNeverFlushedByTheirWriterAreFlushedBeforeAnyReadReturns()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode node = open(database);
		PostgresKeyspace ks = node.keyspace("ks");
		node.commit(ks, put("k", "v0"));
		SplittableRandom random = new SplittableRandom(17);
		long flushed = 0;
		long skipped = 0;
		try (Connection writer = database.getConnection(); Connection other = database.getConnection()) {
			try (Statement statement = writer.createStatement()) {
				statement.execute("SET synchronous_commit = off");
			}
			try (Statement statement = other.createStatement()) {
				statement.execute("SET synchronous_commit = off");
			}
			for (int round = 1; round <= 20; round++) {
				TestNode reader = open(newDatabase());
				long sequence = asyncCommit(writer, ks, "r" + round);
				long visibleBefore = walPosition(database, "pg_current_wal_insert_lsn()");
				if (random.nextBoolean()) {
					try (Statement statement = other.createStatement()) {
						statement.execute("SELECT pg_logical_emit_message(false, 'test', 'not flushed')");
					}
				}
				if (random.nextBoolean()) {
					ReadResult read = reader.read(ks, ReadPlan.get(bytes("k")));
					assertThat(read.sequence()).isEqualTo(sequence);
					assertThat(text(read.values().get(0))).isEqualTo("r" + round);
					assertThat(walPosition(database, "pg_current_wal_flush_lsn()")).as("round " + round)
						.isGreaterThanOrEqualTo(visibleBefore);
				}
				else {
					try (TestSnapshot snapshot = reader.snapshot(ks)) {
						assertThat(snapshot.sequence()).isEqualTo(sequence);
						assertThat(walPosition(database, "pg_current_wal_flush_lsn()")).as("round " + round)
							.isGreaterThanOrEqualTo(visibleBefore);
					}
				}
				assertThat(reader.durable().unflushedReads()).isEqualTo(1);
				assertThat(reader.durable().flushes() + reader.durable().flushedByPosition()).isEqualTo(1);
				flushed += reader.durable().flushes();
				skipped += reader.durable().flushedByPosition();
			}
		}
		assertThat(flushed + skipped).isEqualTo(20);
	}

	/** A batch committed as a contended commit leaves it (async_seq = seq) by a session with synchronous_commit off. */
	private static long asyncCommit(Connection writer, PostgresKeyspace ks, String value) throws SQLException {
		writer.setAutoCommit(false);
		try (PreparedStatement bump = writer.prepareStatement("UPDATE " + prefix
				+ "keyspace SET seq = seq + 1, async_seq = seq + 1 WHERE id = ? RETURNING seq");
				PreparedStatement entry = writer.prepareStatement("UPDATE " + prefix
						+ "entry SET value = ?, seq = ? WHERE keyspace_id = ? AND key = ?")) {
			bump.setInt(1, ks.id());
			long sequence;
			try (java.sql.ResultSet rows = bump.executeQuery()) {
				rows.next();
				sequence = rows.getLong(1);
			}
			entry.setBytes(1, bytes(value));
			entry.setLong(2, sequence);
			entry.setInt(3, ks.id());
			entry.setBytes(4, bytes("k"));
			assertThat(entry.executeUpdate()).isEqualTo(1);
			writer.commit();
			return sequence;
		}
		finally {
			writer.setAutoCommit(true);
		}
	}

	/** A synchronous commit that writes WAL: the WAL is flushed past everything inserted before it. */
	private static void flushWal(PGSimpleDataSource database) throws SQLException {
		assertThat(queryLong(database, "SELECT count(pg_logical_emit_message(true, 'test', ''))")).isEqualTo(1);
	}

	/** A WAL position of the server, in bytes from 0/0. */
	private static long walPosition(PGSimpleDataSource database, String position) throws SQLException {
		return queryLong(database, "SELECT pg_wal_lsn_diff(" + position + ", '0/0')::int8");
	}

}
