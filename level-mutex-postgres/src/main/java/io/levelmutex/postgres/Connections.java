package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

/**
 * Gets connections from the user's {@link DataSource}, waiting a bounded time while the server is down
 * (backing off from 10 ms to 500 ms between attempts). Thread-safe: no mutable state.
 */
final class Connections {

	private final DataSource dataSource;

	private final Duration wait;

	Connections(DataSource dataSource, Duration wait) {
		this.dataSource = dataSource;
		this.wait = wait;
	}

	/**
	 * A connection, within the configured wait.
	 * @param purpose what it is for, for the failure's message
	 * @return an open connection; the caller closes it
	 * @throws PostgresUnavailableException if none could be had in time, or the thread was interrupted
	 */
	Connection open(String purpose) {
		return open(purpose, this.wait);
	}

	Connection open(String purpose, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		long backoff = TimeUnit.MILLISECONDS.toNanos(10);
		SQLException last;
		while (true) {
			try {
				return this.dataSource.getConnection();
			}
			catch (SQLException ex) {
				last = ex;
				if (!SqlFailures.isConnectionLost(ex)) {
					break;
				}
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			// Retry back-off while the server is unreachable (not synchronisation with another thread).
			LockSupport.parkNanos(Math.min(backoff, left));
			backoff = Math.min(backoff * 2, TimeUnit.MILLISECONDS.toNanos(500));
			if (Thread.currentThread().isInterrupted()) {
				throw new PostgresUnavailableException("Interrupted while connecting to PostgreSQL for " + purpose,
						last);
			}
		}
		throw new PostgresUnavailableException("No PostgreSQL connection for " + purpose + " within "
				+ within.toMillis() + " ms: " + SqlFailures.describe(last), last);
	}

	static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			// The connection is broken or already closed; nothing to release.
		}
	}

	static void rollbackQuietly(Connection connection) {
		try {
			if (!connection.isClosed() && !connection.getAutoCommit()) {
				connection.rollback();
			}
		}
		catch (SQLException | RuntimeException ex) {
			// Broken connection: the server rolls the transaction back when the session ends.
		}
	}

}
