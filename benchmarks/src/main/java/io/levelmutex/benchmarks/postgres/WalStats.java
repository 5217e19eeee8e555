package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The server's WAL counters at one instant (PostgreSQL 15's {@code pg_stat_wal}, the commits of the benchmark's
 * databases from {@code pg_stat_database}, the checkpoints from {@code pg_stat_bgwriter}, the WAL insert position)
 * and what the difference of two of them says about a measurement window: WAL syncs per second, rows and batches per
 * sync, WAL bytes and full-page images per row, mean sync time. Immutable.
 *
 * <p>Approximate at the edges: a backend publishes its WAL and transaction counts when it goes idle between
 * statements, at most once a second, so a window's counts are those published in it: a window of a second or two
 * sees one or two publications per backend (series Q's quick windows spread rows per sync twofold), a window of
 * several seconds far fewer edge effects. The syncs and the commits come from the same publications, so commits per
 * sync hold better than either rate; rows per sync divide the client's exact count by the published syncs. The WAL
 * bytes from the insert position ({@code lsnBytes}) are exact.
 *
 * @param nanos when it was read ({@link System#nanoTime()})
 * @param records {@code wal_records}
 * @param fullPageImages {@code wal_fpi}
 * @param bytes {@code wal_bytes}
 * @param writes {@code wal_write}
 * @param syncs {@code wal_sync}
 * @param syncMillis {@code wal_sync_time} (0 unless {@code track_wal_io_timing} is on)
 * @param commits {@code xact_commit} summed over the databases named {@code bench...}
 * @param checkpoints {@code checkpoints_timed + checkpoints_req}
 * @param lsnBytes {@code pg_current_wal_lsn()} in bytes
 */
record WalStats(long nanos, long records, long fullPageImages, long bytes, long writes, long syncs, double syncMillis,
		long commits, long checkpoints, long lsnBytes) {

	private static final String QUERY = "SELECT w.wal_records, w.wal_fpi, w.wal_bytes::int8, w.wal_write, w.wal_sync,"
			+ " w.wal_sync_time, (SELECT coalesce(sum(xact_commit), 0)::int8 FROM pg_stat_database"
			+ " WHERE datname LIKE 'bench%'), (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter),"
			+ " (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8 FROM pg_stat_wal w";

	/** The largest a full-page image can be: one 8 kB page (the hole in it is not written). */
	static final int PAGE_BYTES = 8192;

	/**
	 * Reads the counters.
	 * @param connection a connection to any database of the server, in autocommit (the statistics views are read
	 * afresh by each transaction)
	 * @return the counters now
	 * @throws SQLException if the views cannot be read
	 */
	static WalStats read(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
			rows.next();
			return new WalStats(System.nanoTime(), rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
					rows.getLong(5), rows.getDouble(6), rows.getLong(7), rows.getLong(8), rows.getLong(9));
		}
	}

	/**
	 * @param earlier counters read before these
	 * @return what happened between the two readings
	 */
	WalStats minus(WalStats earlier) {
		return new WalStats(this.nanos - earlier.nanos, this.records - earlier.records,
				this.fullPageImages - earlier.fullPageImages, this.bytes - earlier.bytes, this.writes - earlier.writes,
				this.syncs - earlier.syncs, this.syncMillis - earlier.syncMillis, this.commits - earlier.commits,
				this.checkpoints - earlier.checkpoints, this.lsnBytes - earlier.lsnBytes);
	}

	/** @return the seconds between two readings (on a difference) */
	double seconds() {
		return this.nanos / 1e9;
	}

	/** @return WAL syncs per second (on a difference) */
	double syncsPerSecond() {
		return per(this.syncs, seconds());
	}

	/**
	 * @param rowsPerSecond the rows committed per second in the same window (the client's count)
	 * @return rows per WAL sync
	 */
	double rowsPerSync(double rowsPerSecond) {
		return per(rowsPerSecond, syncsPerSecond());
	}

	/** @return transactions committed per WAL sync (both from the server's publications) */
	double commitsPerSync() {
		return per(this.commits, this.syncs);
	}

	/** @return the mean time of one WAL sync in milliseconds */
	double meanSyncMillis() {
		return per(this.syncMillis, this.syncs);
	}

	/** @return the share of the window some process spent in a WAL sync (above 1 if syncs overlapped) */
	double syncBusy() {
		return per(this.syncMillis / 1000, seconds());
	}

	/**
	 * One line for a point's profile.
	 * @param rowsPerSecond the rows committed per second in the window (the client's count)
	 * @param rowsPerBatch the mean rows per committed batch (the mutex's batch, the limit's statement), 0 if unknown
	 * @return the figures, per second, per sync and per row
	 */
	String describe(double rowsPerSecond, double rowsPerBatch) {
		double rows = rowsPerSecond * seconds();
		double batchesPerSync = (rowsPerBatch <= 0) ? 0 : rowsPerSync(rowsPerSecond) / rowsPerBatch;
		return String.format(Locale.ROOT,
				"%.0f WAL syncs/s, **%.1f rows and %.2f batches per sync** (%.2f commits per sync, pg_stat_database),"
						+ " mean sync %.2f ms (syncing %.0f%% of the window); per row: %.0f WAL bytes (%.0f by insert position),"
						+ " %.2f records, %.4f full-page images (FPIs at most %.0f%% of WAL bytes), %d writes,"
						+ " %d checkpoints; %.2f s",
				syncsPerSecond(), rowsPerSync(rowsPerSecond), batchesPerSync, commitsPerSync(), meanSyncMillis(),
				100 * syncBusy(), per(this.bytes, rows), per(this.lsnBytes, rows), per(this.records, rows),
				per(this.fullPageImages, rows),
				100 * Math.min(1, per((double) this.fullPageImages * PAGE_BYTES, this.lsnBytes)), this.writes,
				this.checkpoints, seconds());
	}

	private static double per(double amount, double unit) {
		return (unit <= 0) ? 0 : amount / unit;
	}

}
