package io.levelmutex.postgres;

import java.time.Duration;
import java.util.Objects;

import javax.sql.DataSource;

import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;

/**
 * Opens a {@link MutexStore} on PostgreSQL, so that several application instances ("nodes") share the same
 * mutexes: every node opens a store on the same database (and table prefix), and uses the same {@code Mutex}
 * API as on the embedded engine.
 *
 * <pre>{@code
 * MutexStore store = PostgresStore.builder(dataSource).open();
 * Mutex<byte[], byte[]> orders = store.mutex("orders");
 * }</pre>
 *
 * <p><b>Ordering.</b> Within one node, everything the core guarantees holds as on the embedded engine: reads of a
 * phase see one snapshot (they are answered by one statement), results and writes complete in
 * issue order. Across nodes, plain {@code put}/{@code del} are last-writer-wins in commit order, and every batch
 * committed to a mutex's keyspace gets a gapless, strictly increasing sequence in commit order across all nodes
 * ({@link io.levelmutex.FlushEvent#sequence()}).
 *
 * <p><b>Connections.</b> One per mutex while its read or write phase runs, plus one for the remote-change listener,
 * which it gives back only as it came ({@code UNLISTEN *}, {@code application_name} restored, no notification left
 * buffered) or aborted so that the pool discards it, plus one for the after-commit worker while it sends a
 * remote-change hint (only while another node's listener was seen at the last poll) or cleans up tombstones;
 * closing the store does not wait for a poll interval.
 *
 * <p><b>Durability.</b> A batch is one transaction (one statement), committed with {@code synchronous_commit = on}
 * before {@code flushed} fires and before any of its writes completes. Opening fails if the server or the session turns
 * {@code synchronous_commit} off. The engine uses its own connections from the DataSource, never a caller's
 * transaction.
 *
 * <p><b>Across nodes.</b> {@code Mutex.update()} is the cross-node tool: each update is validated at commit
 * against the batches ANY node committed since its snapshot (keys it read, spans it examined with peeks, inserts
 * and deletes alike, keys it writes); a rejected update runs again in the next batch (the writes after it follow
 * it), and fails with {@link io.levelmutex.WriteConflictException} after {@code maxUpdateAttempts} rejections
 * ({@value io.levelmutex.MutexOptions#DEFAULT_MAX_UPDATE_ATTEMPTS} by default:
 * {@code MutexOptions.Builder.maxUpdateAttempts} changes it per mutex).
 * No update is lost between nodes. The rule that a write issued from a read's callback joins the next batch protects
 * against writers of the same node only. Other nodes' commits to a keyspace a node has open reach
 * {@code MutexListener.onRemoteChange} on the engine's listener thread, within about {@link Builder#pollInterval}
 * even when a notification is missed.
 *
 * <p><b>Failures.</b> PostgreSQL unreachable or refusing connections for now, or no connection from the
 * DataSource, for {@link Builder#connectWait} (whatever the pool's own timeout): reads and batches fail with
 * {@link io.levelmutex.StorageUnavailableException}, nothing of a failed batch applied, and the mutex serves again
 * once the server is back ({@code store.health()} reports it unavailable meanwhile, without blocking). A
 * connection lost during COMMIT is resolved through the batch log within {@link Builder#resolveWait}; if it
 * cannot be, the batch's writes fail with {@link io.levelmutex.CommitOutcomeUnknownException} (the batch committed
 * entirely or not at all). A batch is all or nothing in every case: a node killed after sending COMMIT may leave its
 * whole batch committed though none of its writes was acknowledged, so a killed node's in-flight writes may be
 * applied. Serialization failures and deadlocks are retried, then fail as
 * {@link io.levelmutex.StorageException}. No driver exception reaches the caller. Keys over 2,048 bytes and values
 * over 8 MiB are refused at the call ({@link io.levelmutex.InvalidInputException}).
 */
public final class PostgresStore {

	private PostgresStore() {
	}

	/**
	 * Starts a builder.
	 * @param dataSource where the engine gets its connections (any pool; pgjdbc)
	 * @return a builder with the defaults
	 */
	public static Builder builder(DataSource dataSource) {
		return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
	}

	/**
	 * Settings of a PostgreSQL store. Each setter validates its value at the call
	 * ({@link io.levelmutex.InvalidInputException}). Not thread-safe.
	 */
	public static final class Builder {

		private final DataSource dataSource;

		/** Owned by the builder's user. */
		private PostgresSettings settings = PostgresSettings.defaults();

		/** Owned by the builder's user. */
		private boolean initializeSchema = true;

		/** Owned by the builder's user. */
		private StoreOptions storeOptions = StoreOptions.builder().build();

		private Builder(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		/**
		 * The start of every table name; every node of a cluster must use the same.
		 * @param prefix 1 to 40 lower-case letters, digits or underscores, starting with a letter or underscore
		 * (default {@code level_mutex_})
		 * @return this builder
		 */
		public Builder tablePrefix(String prefix) {
			this.settings = this.settings.withTablePrefix(prefix);
			return this;
		}

		/**
		 * The LISTEN/NOTIFY channel of remote-change hints; every node of a cluster must use the same.
		 * @param channel an identifier like the table prefix (default {@code level_mutex})
		 * @return this builder
		 */
		public Builder notificationChannel(String channel) {
			this.settings = this.settings.withChannel(channel);
			return this;
		}

		/**
		 * Whether opening creates the schema if it is missing (idempotent, safe from several nodes at once), or
		 * only verifies that it exists in the version this library knows (when Flyway or Liquibase runs the shipped
		 * {@code META-INF/level-mutex/postgres/schema-v3.sql}, or {@code upgrade-v2-to-v3.sql} on a version-2
		 * schema, after {@code upgrade-v1-to-v2.sql} on a version-1 schema; a version-2 schema is accepted too, without
		 * joined commits; with {@code true} a version-1 or version-2 schema is upgraded in place).
		 * @param initialize {@code true} (default) to create, {@code false} to verify only
		 * @return this builder
		 */
		public Builder initializeSchema(boolean initialize) {
			this.initializeSchema = initialize;
			return this;
		}

		/**
		 * How often the remote-change listener reads the sequences without a notification: the bound on the delay
		 * of a remote change whose notification was missed or not sent (a node sends none while its listener saw
		 * no other node's listener at its last poll, so a node that just started learns of them by polling), and
		 * how often the listener counts the other nodes' listeners.
		 * @param interval a positive duration (default 1 s)
		 * @return this builder
		 */
		public Builder pollInterval(Duration interval) {
			this.settings = this.settings.withPollInterval(interval);
			return this;
		}

		/**
		 * How long a read phase, a batch or opening waits for a connection (while the server is unreachable or
		 * refuses connections for now: starting up, too many connections, a database not accepting connections; or
		 * the pool has none to give) before failing with {@link io.levelmutex.StorageUnavailableException}, whatever
		 * the DataSource's own timeout: a connection it hands over later is closed at once (back to the pool). The
		 * failure's message states the time really waited. A refusal that waiting does not cure (a refused login, a
		 * missing database, no CONNECT privilege) is not retried: it fails at once (through a pool, when the pool's
		 * own attempt ends), naming the cause.
		 * @param wait a positive duration (default 10 s)
		 * @return this builder
		 */
		public Builder connectWait(Duration wait) {
			this.settings = this.settings.withConnectWait(wait);
			return this;
		}

		/**
		 * How long the outcome of a batch whose COMMIT lost its connection is looked for in the batch log before
		 * its writes fail with {@link io.levelmutex.CommitOutcomeUnknownException}.
		 * @param wait a positive duration (default 10 s)
		 * @return this builder
		 */
		public Builder resolveWait(Duration wait) {
			this.settings = this.settings.withResolveWait(wait);
			return this;
		}

		/**
		 * How many joined commits this node keeps in flight at most. While one batch commits, the batches other
		 * mutexes hand over are joined: everything ready at that moment goes to the server in ONE transaction and
		 * round trip (a subtransaction per keyspace, in keyspace order, then one flush), so a node with many busy
		 * mutexes sends far fewer commits. Every guarantee holds per keyspace as without joining (validation,
		 * gapless sequence in commit order, remote changes, outcome resolution through the batch log); a batch
		 * that is rejected or fails in a joined commit fails alone. A batch handed over while nothing is in flight
		 * commits at once on its own, as without joining. Needs schema version 3 ({@code schema-v3.sql}, or
		 * {@code upgrade-v2-to-v3.sql}); on a version-2 schema every batch commits on its own.
		 * @param inFlight 0 (joining off) to 16 (default 1)
		 * @return this builder
		 */
		public Builder joinedCommits(int inFlight) {
			this.settings = this.settings.withJoinedCommits(inFlight);
			return this;
		}

		/**
		 * The store's options (cycle threads or executor, close timeout, ...); build them with
		 * {@code StoreOptions.builder()}. The PostgreSQL engine is always durable: it ignores {@code durable(false)}.
		 * @param options the options
		 * @return this builder
		 */
		public Builder storeOptions(StoreOptions options) {
			this.storeOptions = Objects.requireNonNull(options, "options");
			return this;
		}

		/**
		 * Opens the store: checks that {@code synchronous_commit} is on, creates or verifies the schema, starts the
		 * remote-change listener.
		 * @return the open store; closing it stops the listener (the DataSource stays the caller's)
		 * @throws io.levelmutex.StorageUnavailableException if no connection could be had within the connect wait
		 * @throws io.levelmutex.StorageException if {@code synchronous_commit} is off, or the schema is missing (and
		 * may not be created) or of another version
		 */
		public MutexStore open() {
			PostgresEngine engine = PostgresEngine.open(this.dataSource, this.settings, this.initializeSchema);
			try {
				return MutexStore.open(engine, this.storeOptions);
			}
			catch (RuntimeException ex) {
				engine.close();
				throw ex;
			}
		}

	}

}
