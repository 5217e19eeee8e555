package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/**
 * Benchmarks only (not part of the library): opens a PostgreSQL store as {@link PostgresStore#builder} does, through
 * the engine's package-private test seam ({@link BatchCommitter.CommitStep}), so that a probe can time the commit
 * statement on the client (its round trip, including the COMMIT that follows a released procedure's return, which
 * {@code pg_stat_statements} does not count) and read the engine's counters (listener catch-ups, hint statements,
 * flush statements). Nothing else differs from a store opened by the builder. Thread-safe (adders).
 */
public final class ProbeAccess {

	private ProbeAccess() {
	}

	/** Client-side times of one node's commit statements; added by its cycle threads. */
	public static final class CommitTimings {

		/** Commit statements executed (function, procedure or one-write statement). */
		public final LongAdder calls = new LongAdder();

		/** Their time from execute to the reply read, nanoseconds. */
		public final LongAdder callNanos = new LongAdder();

		/** Flush statements after a function's commit that met the lock held. */
		public final LongAdder flushes = new LongAdder();

		/** Their time, nanoseconds. */
		public final LongAdder flushNanos = new LongAdder();

	}

	/** One node: its engine and the store on it. */
	public static final class Node implements AutoCloseable {

		private final PostgresEngine engine;

		/** The store (closing the node closes it, and so the engine). */
		public final MutexStore store;

		Node(PostgresEngine engine, MutexStore store) {
			this.engine = engine;
			this.store = store;
		}

		/** The listener's catch-ups (reads of the watched sequences). */
		public long catchUps() {
			return this.engine.listener().catchUps();
		}

		/** Notifications the listener read, any payload. */
		public long notificationsHeard() {
			return this.engine.listener().notificationsHeard();
		}

		/** The listener's reads that returned notifications. */
		public long notificationReads() {
			return this.engine.listener().notificationReads();
		}

		/** The listener's deliveries that own commits covered (no statement). */
		public long coveredDeliveries() {
			return this.engine.listener().coveredDeliveries();
		}

		/** The listener's waits for an own commit to cover a hint. */
		public long coverWaits() {
			return this.engine.listener().coverWaits();
		}

		/** Returns from the listener's waits (for notifications or for the catch-up spacing). */
		public long listenerWakeUps() {
			return this.engine.listener().wakeUps();
		}

		/** Times a commit woke the after-commit worker. */
		public long hintWorkerWakeUps() {
			return this.engine.afterCommit().wakeUps();
		}

		/** Hint statements ({@code pg_notify}) the after-commit worker sent. */
		public long hintStatements() {
			return this.engine.afterCommit().hintStatements();
		}

		/** Commits recorded for a hint. */
		public long hintsRecorded() {
			return this.engine.afterCommit().hintsRecorded();
		}

		/** Keyspace hints left out because another node's later hint covered them. */
		public long hintsCovered() {
			return this.engine.afterCommit().hintsCovered();
		}

		/** Flush statements of this node (commit path, resolution and listener). */
		public long durableFlushes() {
			return this.engine.durable().flushes();
		}

		/**
		 * The read path's durability: reads and snapshots that saw a batch committed without its flush above what
		 * this node knew durable, and of those the ones whose WAL positions showed it flushed (no flush statement).
		 */
		public long[] unflushedReads() {
			return new long[] { this.engine.durable().unflushedReads(), this.engine.durable().flushedByPosition() };
		}

		/** Planned reads run, and their client time in nanoseconds (connection, statement, any flush). */
		public long[] reads() {
			return new long[] { this.engine.reader().reads(), this.engine.reader().readNanos() };
		}

		/** Other nodes' listeners seen at the last count. */
		public boolean othersMayListen() {
			return this.engine.listener().othersMayListen();
		}

		@Override
		public void close() {
			this.store.close();
		}

	}

	/**
	 * Opens a node with the default settings and store options, timing its commit statements.
	 * @param dataSource its connections
	 * @param timings where the times go
	 * @return the node
	 */
	public static Node open(DataSource dataSource, CommitTimings timings) {
		return open(dataSource, timings, null);
	}

	/**
	 * Opens a node as {@link #open(DataSource, CommitTimings)}, on a notification channel of its own when one is
	 * named (then no other node's hint wakes its listener, which catches up by polling only: an A/B of the listener's
	 * wake-ups; hints are still sent).
	 * @param dataSource its connections
	 * @param timings where the times go
	 * @param channel the channel, or {@code null} for the default
	 * @return the node
	 */
	public static Node open(DataSource dataSource, CommitTimings timings, String channel) {
		PostgresSettings settings = (channel == null) ? PostgresSettings.defaults()
				: PostgresSettings.defaults().withChannel(channel);
		PostgresEngine engine = PostgresEngine.open(dataSource, settings, true,
				new BatchCommitter.CommitStep() {

					@Override
					public ResultSet call(Connection connection, PreparedStatement call) throws SQLException {
						long start = System.nanoTime();
						try {
							return call.executeQuery();
						}
						finally {
							timings.callNanos.add(System.nanoTime() - start);
							timings.calls.increment();
						}
					}

					@Override
					public void flush(Connection connection, DurableSequences durable) throws SQLException {
						long start = System.nanoTime();
						try {
							durable.flush(connection);
						}
						finally {
							timings.flushNanos.add(System.nanoTime() - start);
							timings.flushes.increment();
						}
					}

				});
		try {
			return new Node(engine, MutexStore.open(engine, StoreOptions.builder().build()));
		}
		catch (RuntimeException ex) {
			engine.close();
			throw ex;
		}
	}

	/**
	 * The PostgreSQL keyspace name of a mutex of that name (default options).
	 * @param mutexName the mutex's name
	 * @return the name its keyspace row has
	 */
	public static String keyspaceName(String mutexName) {
		return KeyspaceNames.of(MutexOptions.builder(mutexName).build().keyspace());
	}

}
