package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Gets connections from the user's {@link DataSource} within a bounded wait, whatever the DataSource's own
 * timeout (a pool's connection timeout, a driver's connect timeout). When the DataSource is a HikariCP pool, the
 * connection is asked for on the caller's thread, so the common case costs what the pool costs (no thread
 * hand-off): with {@code getConnection()} when the pool's own longest wait ({@link PoolWaitBound}) fits in what is
 * left of the wait, otherwise with the pool's timed acquisition for what is left ({@link PoolWaitBound#connection}).
 * Otherwise (another DataSource, a suspendable or closed pool, too little left)
 * each {@code getConnection()} runs on a helper thread while the caller waits at most until its deadline; a connection that arrives after the caller
 * gave up is closed at once (so it goes back to the pool), and a helper still waiting is interrupted (which ends
 * a pool's wait, e.g. HikariCP's). While the server is unreachable or refuses connections for now (a restart,
 * too many connections, a database not accepting connections: {@link SqlFailures#connectMayRecover}) the attempts
 * are repeated, backing off from 10 ms to 500 ms, until the wait runs out; a refusal that waiting does not cure
 * (a refused login, a missing database: {@link SqlFailures#refusedForGood}) or an error of no known kind fails at
 * once, its message naming the cause. Every failure's message states the wait that really happened. Thread-safe:
 * no mutable state but a counter.
 */
final class Connections {

	/**
	 * Runs the {@code getConnection()} calls: daemon threads, made as needed, ended after 30 s idle (so nothing
	 * to shut down). One for the JVM; never shut down.
	 */
	private static final ExecutorService ACQUIRERS = acquirers();

	private final DataSource dataSource;

	private final Duration wait;

	/** The pool's own bound, when the DataSource is a HikariCP pool; else null. */
	private final @Nullable PoolWaitBound poolBound;

	/** Acquisitions that ran on a helper thread, for tests and diagnostics. */
	private final AtomicLong helperAcquisitions = new AtomicLong();

	Connections(DataSource dataSource, Duration wait) {
		this.dataSource = dataSource;
		this.wait = wait;
		this.poolBound = PoolWaitBound.of(dataSource);
	}

	/** How many acquisitions ran on a helper thread (the others ran on the caller's thread); for tests. */
	long helperAcquisitions() {
		return this.helperAcquisitions.get();
	}

	/**
	 * A connection, within the configured wait ({@code connectWait}).
	 * @param purpose what it is for, for the failure's message
	 * @return an open connection; the caller closes it
	 * @throws PostgresUnavailableException if none could be had in time, or the thread was interrupted
	 */
	Connection open(String purpose) {
		return open(() -> purpose, this.wait, "connectWait");
	}

	/**
	 * A connection, within the configured wait ({@code connectWait}), its purpose described only if a failure's
	 * message needs it (a commit's purpose names its batch id and keyspace: built per commit, it cost a string
	 * per put that nothing read).
	 * @param purpose what it is for, for the failure's message
	 * @return an open connection; the caller closes it
	 * @throws PostgresUnavailableException if none could be had in time, or the thread was interrupted
	 */
	Connection open(Supplier<String> purpose) {
		return open(purpose, this.wait, "connectWait");
	}

	/**
	 * A connection, within the given wait.
	 * @param purpose what it is for, for the failure's message
	 * @param within the longest wait
	 * @return an open connection; the caller closes it
	 * @throws PostgresUnavailableException if none could be had in time, or the thread was interrupted
	 */
	Connection open(String purpose, Duration within) {
		return open(() -> purpose, within, "allowed");
	}

	private Connection open(Supplier<String> purpose, Duration within, String limitName) {
		long start = System.nanoTime();
		long deadline = start + within.toNanos();
		long backoff = TimeUnit.MILLISECONDS.toNanos(10);
		SQLException last = null;
		while (true) {
			try {
				try {
					return acquire(deadline);
				}
				catch (RuntimeException ex) {
					// A DataSource may wrap the driver's failure in an unchecked exception of its own (a pool's
					// initialisation failure): judged by the driver's failure; anything else propagates as it was.
					SQLException driver = SqlFailures.sqlCause(ex);
					if (driver == null) {
						throw ex;
					}
					throw driver;
				}
			}
			catch (SQLException ex) {
				last = ex;
				if (!SqlFailures.connectMayRecover(ex)) {
					String reason = SqlFailures.refusedForGood(ex);
					throw new PostgresUnavailableException("No PostgreSQL connection for " + purpose.get() + ": "
							+ ((reason != null) ? reason : "the DataSource failed with an error that waiting does not cure")
							+ ", so it was not retried (waited " + millisSince(start) + " ms of " + limitName + " "
							+ within.toMillis() + " ms): " + SqlFailures.describeConnectFailure(ex), ex);
				}
			}
			catch (TimeoutException ex) {
				break;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new PostgresUnavailableException("Interrupted while waiting for a PostgreSQL connection for "
						+ purpose.get() + " (waited " + millisSince(start) + " ms)", last);
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			// Retry back-off while the server is unreachable (not synchronisation with another thread).
			LockSupport.parkNanos(Math.min(backoff, left));
			backoff = Math.min(backoff * 2, TimeUnit.MILLISECONDS.toNanos(500));
			if (Thread.currentThread().isInterrupted()) {
				throw new PostgresUnavailableException("Interrupted while waiting for a PostgreSQL connection for "
						+ purpose.get() + " (waited " + millisSince(start) + " ms)", last);
			}
		}
		String why = (last != null) ? "tried again while the server refused or could not be reached; last failure: "
				+ SqlFailures.describeConnectFailure(last) : "the DataSource returned no connection in time";
		throw new PostgresUnavailableException("No PostgreSQL connection for " + purpose.get() + ": waited "
				+ millisSince(start) + " ms (" + limitName + " " + within.toMillis() + " ms); " + why, last);
	}

	/**
	 * One {@code getConnection()}: on the caller's thread when the pool's own bound ends it before the deadline,
	 * otherwise on a helper thread, waited for until the deadline.
	 * @throws TimeoutException if the deadline passed first (the helper is interrupted; a connection it still
	 * gets is closed)
	 */
	private Connection acquire(long deadline) throws SQLException, TimeoutException, InterruptedException {
		PoolWaitBound bound = this.poolBound;
		if (bound != null) {
			try {
				Connection direct = bound.connection(deadline - System.nanoTime());
				if (direct != null) {
					return direct;
				}
			}
			catch (SQLException ex) {
				if (Thread.currentThread().isInterrupted()) {
					// the pool's wait was interrupted (HikariCP keeps the flag set): report it as such
					throw new InterruptedException("interrupted while waiting for the pool: " + ex.getMessage());
				}
				throw ex;
			}
		}
		this.helperAcquisitions.incrementAndGet();
		Acquisition acquisition = new Acquisition(this.dataSource);
		Future<?> helper = ACQUIRERS.submit(acquisition);
		return acquisition.await(helper, deadline);
	}

	private static long millisSince(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	private static ExecutorService acquirers() {
		AtomicInteger threads = new AtomicInteger();
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread thread = new Thread(task, "level-mutex-pg-connect-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * One {@code getConnection()} handed from a helper thread to the caller waiting for it, or closed if the
	 * caller stopped waiting first: whichever of the two completes {@link #result} first decides.
	 */
	private static final class Acquisition implements Runnable {

		private final DataSource dataSource;

		/**
		 * Completed by the helper thread (connection or failure) or cancelled by the caller that stopped waiting;
		 * the first wins.
		 */
		private final CompletableFuture<Connection> result = new CompletableFuture<>();

		Acquisition(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		@Override
		public void run() {
			Connection connection;
			try {
				connection = this.dataSource.getConnection();
			}
			catch (Throwable ex) {
				this.result.completeExceptionally(ex);
				return;
			}
			if (!this.result.complete(connection)) {
				// The caller gave up: back to the pool, never leaked.
				closeQuietly(connection);
			}
		}

		Connection await(Future<?> helper, long deadline)
				throws SQLException, TimeoutException, InterruptedException {
			try {
				return this.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				throw SqlFailures.rethrown(ex.getCause());
			}
			catch (TimeoutException ex) {
				if (this.result.cancel(false)) {
					// Ends a pool's wait that honours interrupts; a connection still obtained is closed by run().
					helper.cancel(true);
					throw ex;
				}
				// Completed just now: take it.
				return completed();
			}
			catch (InterruptedException ex) {
				if (this.result.cancel(false)) {
					helper.cancel(true);
					throw ex;
				}
				try {
					closeQuietly(completed());
				}
				catch (SQLException | RuntimeException failure) {
					// Nothing obtained: nothing to give back.
				}
				throw ex;
			}
		}

		/** The outcome of a completed result (never blocks): the connection, or its failure thrown. */
		private Connection completed() throws SQLException {
			try {
				return this.result.join();
			}
			catch (java.util.concurrent.CompletionException ex) {
				throw SqlFailures.rethrown(ex.getCause());
			}
		}

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
