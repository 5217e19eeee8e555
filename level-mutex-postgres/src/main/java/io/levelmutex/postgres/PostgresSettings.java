package io.levelmutex.postgres;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of the storage layer. Immutable; every value is validated by the constructor.
 *
 * @param tablePrefix start of every table and index name ({@code level_mutex_} by default): lower-case
 * letters, digits and underscores, starting with a letter or underscore, at most 40 characters
 * @param channel the LISTEN/NOTIFY channel of remote-change hints (same identifier rules)
 * @param maxValueBytes largest value, 1 to {@link #MAX_VALUE_BYTES_LIMIT}
 * @param connectWait how long to keep trying to get a connection while the server is unreachable, refuses
 * connections for now (starting up, shutting down, too many connections, not accepting connections) or the pool
 * is exhausted, whatever the pool's own timeout, before failing with {@link PostgresUnavailableException}; a
 * refusal that waiting does not cure (login, missing database, privilege) fails at once
 * @param resolveWait how long the outcome of a batch whose COMMIT lost its connection is looked for
 * (reconnecting, then waiting for the keyspace's lock) before {@link PostgresOutcomeUnknownException}
 * @param transientRetries how many times a transaction failing with a serialization failure or deadlock is
 * run again (0 = never)
 * @param pollInterval how often the remote-change listener checks the sequences without a notification
 * @param tombstoneRetention tombstones of the last this many sequences of a keyspace are always kept
 * @param joinedCommits how many joined commits ({@link JoinedCommitter}) a node keeps in flight at most, 0 to
 * {@link #MAX_JOINED_COMMITS}; 0: none, every batch commits on its own
 */
record PostgresSettings(String tablePrefix, String channel, int maxValueBytes, Duration connectWait,
		Duration resolveWait, int transientRetries, Duration pollInterval, long tombstoneRetention,
		int joinedCommits) {

	/** Upper bound of {@link #joinedCommits}. */
	static final int MAX_JOINED_COMMITS = 16;

	/** The default of {@link #joinedCommits} (measured: benchmarks/results/series-z/pgjoin). */
	static final int DEFAULT_JOINED_COMMITS = 1;

	/** Largest key in bytes: an index tuple of (keyspace id, key) stays under B-tree's 2704-byte limit. */
	static final int MAX_KEY_BYTES = 2048;

	/** Upper bound of {@link #maxValueBytes}: far below bytea's 1 GB, so a batch stays within memory. */
	static final int MAX_VALUE_BYTES_LIMIT = 256 * 1024 * 1024;

	static final String DEFAULT_PREFIX = "level_mutex_";

	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

	PostgresSettings {
		requireIdentifier("tablePrefix", tablePrefix);
		requireIdentifier("channel", channel);
		if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_BYTES_LIMIT) {
			throw new PostgresInputException(
					"maxValueBytes must be 1 to " + MAX_VALUE_BYTES_LIMIT + ", not " + maxValueBytes);
		}
		requirePositive("connectWait", connectWait);
		requirePositive("resolveWait", resolveWait);
		requirePositive("pollInterval", pollInterval);
		if (transientRetries < 0 || transientRetries > 100) {
			throw new PostgresInputException("transientRetries must be 0 to 100, not " + transientRetries);
		}
		if (tombstoneRetention < 1) {
			throw new PostgresInputException("tombstoneRetention must be at least 1, not " + tombstoneRetention);
		}
		if (joinedCommits < 0 || joinedCommits > MAX_JOINED_COMMITS) {
			throw new PostgresInputException("joinedCommits must be 0 to " + MAX_JOINED_COMMITS + ", not "
					+ joinedCommits);
		}
	}

	/** The settings with {@link #DEFAULT_JOINED_COMMITS} joined commits. */
	PostgresSettings(String tablePrefix, String channel, int maxValueBytes, Duration connectWait,
			Duration resolveWait, int transientRetries, Duration pollInterval, long tombstoneRetention) {
		this(tablePrefix, channel, maxValueBytes, connectWait, resolveWait, transientRetries, pollInterval,
				tombstoneRetention, DEFAULT_JOINED_COMMITS);
	}

	/**
	 * The defaults: prefix {@code level_mutex_}, channel {@code level_mutex}, values up to 8 MiB, 10 s to
	 * connect, 10 s to resolve an unknown outcome, 3 transient retries, polling every second, tombstones of
	 * the last 10,000 sequences kept, {@value #DEFAULT_JOINED_COMMITS} joined commits in flight.
	 * @return the default settings
	 */
	static PostgresSettings defaults() {
		return new PostgresSettings(DEFAULT_PREFIX, "level_mutex", 8 * 1024 * 1024, Duration.ofSeconds(10),
				Duration.ofSeconds(10), 3, Duration.ofSeconds(1), 10_000);
	}

	PostgresSettings withTablePrefix(String prefix) {
		return new PostgresSettings(prefix, this.channel, this.maxValueBytes, this.connectWait, this.resolveWait,
				this.transientRetries, this.pollInterval, this.tombstoneRetention, this.joinedCommits);
	}

	PostgresSettings withChannel(String name) {
		return new PostgresSettings(this.tablePrefix, name, this.maxValueBytes, this.connectWait, this.resolveWait,
				this.transientRetries, this.pollInterval, this.tombstoneRetention, this.joinedCommits);
	}

	PostgresSettings withConnectWait(Duration wait) {
		return withWaits(wait, this.resolveWait);
	}

	PostgresSettings withResolveWait(Duration wait) {
		return withWaits(this.connectWait, wait);
	}

	PostgresSettings withWaits(Duration connect, Duration resolve) {
		return new PostgresSettings(this.tablePrefix, this.channel, this.maxValueBytes, connect, resolve,
				this.transientRetries, this.pollInterval, this.tombstoneRetention, this.joinedCommits);
	}

	PostgresSettings withPollInterval(Duration interval) {
		return new PostgresSettings(this.tablePrefix, this.channel, this.maxValueBytes, this.connectWait,
				this.resolveWait, this.transientRetries, interval, this.tombstoneRetention, this.joinedCommits);
	}

	PostgresSettings withTombstoneRetention(long retention) {
		return new PostgresSettings(this.tablePrefix, this.channel, this.maxValueBytes, this.connectWait,
				this.resolveWait, this.transientRetries, this.pollInterval, retention, this.joinedCommits);
	}

	PostgresSettings withMaxValueBytes(int max) {
		return new PostgresSettings(this.tablePrefix, this.channel, max, this.connectWait, this.resolveWait,
				this.transientRetries, this.pollInterval, this.tombstoneRetention, this.joinedCommits);
	}

	PostgresSettings withJoinedCommits(int inFlight) {
		return new PostgresSettings(this.tablePrefix, this.channel, this.maxValueBytes, this.connectWait,
				this.resolveWait, this.transientRetries, this.pollInterval, this.tombstoneRetention, inFlight);
	}

	String table(String name) {
		return this.tablePrefix + name;
	}

	private static void requireIdentifier(String what, String value) {
		if (value == null || !IDENTIFIER.matcher(value).matches()) {
			throw new PostgresInputException(what + " must be 1 to 40 lower-case letters, digits or underscores "
					+ "starting with a letter or underscore, not '" + value + "'");
		}
	}

	private static void requirePositive(String what, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new PostgresInputException(what + " must be positive, not " + value);
		}
	}

}
