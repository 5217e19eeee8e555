package io.levelmutex.reliability.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The cluster model's fault injector: one thread, seeded, that until stopped picks one fault after another,
 * from outside the nodes (a superuser session):
 * <ul>
 * <li>{@code listener}: terminates one remote-change listener session of the database (notifications until it is
 * back are lost; its catch-up after the reconnect must deliver what it missed, once);</li>
 * <li>{@code busy}: terminates a node's session in the middle of a commit (the function, the released procedure,
 * the one-write statement), its flush, a read, an outcome resolution or a remote-change hint;</li>
 * <li>{@code cancel}: cancels the statement such a session runs ({@code pg_cancel_backend}: an error on a live
 * connection, which for the released procedure may come after its COMMIT);</li>
 * <li>{@code lock}: holds a keyspace's row lock (as a foreign transaction would) for up to 1.5 resolve waits, so
 * that every node's commits of it queue (and afterwards take the released route), and terminates one of the waiting
 * sessions now and then (a commit waiting for the lock applies nothing; a resolution waiting for it gives up);</li>
 * <li>{@code committed}: terminates a node's released procedure after its batch committed, before the reply (in its
 * flush transaction): the batch log must tell the resolution it committed;</li>
 * <li>{@code refuse}: the database refuses new connections ({@code ALLOW_CONNECTIONS false}) for 0.1 to 0.8 s:
 * reads and commits that need a connection fail typed, listeners that lose theirs reconnect afterwards;</li>
 * <li>{@code killThenLock}: terminates a node's commit in flight (before, during or after its COMMIT) and then
 * takes the keyspaces' locks before its resolution can, holding them for 0.2 to 2 resolve waits: the resolution
 * either finds the batch log's answer once they are released or gives up (outcome unknown, applied or not).</li>
 * </ul>
 * Counts what it did by fault and by the statement the terminated session ran ({@link #counts()}).
 */
final class ClusterFaults implements AutoCloseable {

	private static final Set<String> COMMITS = Set.of("released", "releasedCommitted", "function", "oneWrite",
			"flush");

	private final PgNodes nodes;

	private final List<String> keyspaces;

	private final Duration resolveWait;

	private final Random random;

	private final Thread thread;

	/** What was done, by name; written by the injector thread, read by the test thread after {@link #close()}. */
	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	/** Failures of the injector itself (not of the nodes); read after {@link #close()}. */
	private final List<String> errors = new CopyOnWriteArrayList<>();

	/** Set by {@link #close()}; read by the injector thread. */
	private volatile boolean stopping;

	ClusterFaults(PgNodes nodes, List<String> mutexes, Duration resolveWait, long seed) {
		this.nodes = nodes;
		this.keyspaces = mutexes.stream().map(BatchLog::keyspaceName).toList();
		this.resolveWait = resolveWait;
		this.random = new Random(seed);
		this.thread = new Thread(this::run, "cluster-faults");
		this.thread.setDaemon(true);
	}

	ClusterFaults start() {
		this.thread.start();
		return this;
	}

	/** What was done: {@code listener}, {@code busy.<statement>}, {@code lock}, {@code lock.<statement>}, ... */
	Map<String, Integer> counts() {
		Map<String, Integer> out = new TreeMap<>();
		this.counts.forEach((name, count) -> out.put(name, count.get()));
		return out;
	}

	List<String> errors() {
		return this.errors;
	}

	private void run() {
		while (!this.stopping) {
			// Pacing between faults, not synchronisation.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + this.random.nextInt(180)));
			try (Connection admin = this.nodes.admin()) {
				int pick = this.random.nextInt(100);
				if (pick < 20) {
					terminateListener(admin);
				}
				else if (pick < 45) {
					terminateBusy(admin, "busy", "pg_terminate_backend");
				}
				else if (pick < 60) {
					terminateBusy(admin, "cancel", "pg_cancel_backend");
				}
				else if (pick < 70) {
					terminateCommitted(admin);
				}
				else if (pick < 80) {
					holdLock(admin);
				}
				else if (pick < 85) {
					refuseConnections();
				}
				else {
					killThenLock(admin);
				}
			}
			catch (SQLException | RuntimeException ex) {
				this.errors.add(ex.toString());
			}
		}
	}

	private void terminateListener(Connection admin) throws SQLException {
		if (this.random.nextBoolean()) {
			// In the middle of a catch-up or its flush: found and terminated in one statement, tried for 300 ms.
			if (terminateWhere(admin, "application_name = '" + PgNodes.LISTENER_APPLICATION_NAME
					+ "' AND state = 'active'")) {
				count("listener");
				count("listenerBusy");
			}
			return;
		}
		List<Session> listeners = sessions(admin).stream()
			.filter((session) -> PgNodes.LISTENER_APPLICATION_NAME.equals(session.application()))
			.toList();
		if (!listeners.isEmpty() && terminate(admin, listeners.get(this.random.nextInt(listeners.size())))) {
			count("listener");
		}
	}

	/**
	 * Terminates (or cancels the statement of) a session of a random node that runs a commit, flush, read or
	 * resolution (waits up to 300 ms for one).
	 */
	private void terminateBusy(Connection admin, String fault, String function) throws SQLException {
		String node = this.nodes.name(this.random.nextInt(this.nodes.size()));
		Session victim = await(admin, 300, (session) -> session.application().equals(node) && session.busy()
				&& !"other".equals(session.category()));
		if (victim != null && signal(admin, victim, function)) {
			count(fault + "." + victim.category());
		}
	}

	/**
	 * Terminates a node's released procedure past its batch's COMMIT (in its flush transaction), found and
	 * terminated in ONE statement (the window is a WAL flush long); tries for up to 300 ms.
	 */
	private void terminateCommitted(Connection admin) throws SQLException {
		List<String> names = new ArrayList<>();
		for (int n = 0; n < this.nodes.size(); n++) {
			names.add(this.nodes.name(n));
		}
		String[] quoted = names.stream().map((name) -> "'" + name + "'").toArray(String[]::new);
		if (terminateWhere(admin, "application_name IN (" + String.join(", ", quoted) + ") AND state = 'active' "
				+ "AND query LIKE 'CALL %commit_released%' AND xact_start > query_start")) {
			count("committed.releasedCommitted");
		}
	}

	/**
	 * Terminates the sessions of the database that match a condition on {@code pg_stat_activity}, found and
	 * terminated in ONE statement, trying for up to 300 ms.
	 * @return whether one was terminated
	 */
	private boolean terminateWhere(Connection admin, String condition) throws SQLException {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
		try (PreparedStatement statement = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM "
				+ "pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND " + condition)) {
			while (!this.stopping && System.nanoTime() < until) {
				try (ResultSet rows = statement.executeQuery()) {
					if (rows.next() && rows.getInt(1) > 0) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/** The database refuses new connections for a while (existing sessions go on). */
	private void refuseConnections() throws SQLException {
		long holdMillis = 100 + this.random.nextInt(700);
		try (Connection server = this.nodes.serverAdmin(); Statement statement = server.createStatement()) {
			statement.execute("ALTER DATABASE " + this.nodes.database() + " ALLOW_CONNECTIONS false");
			try {
				count("refuse");
				long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
				while (System.nanoTime() < until && !this.stopping) {
					// The refusal itself is the fault; pacing, not synchronisation.
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				}
			}
			finally {
				statement.execute("ALTER DATABASE " + this.nodes.database() + " ALLOW_CONNECTIONS true");
			}
		}
	}

	/** Holds one keyspace's lock, maybe terminating a session that waits for it. */
	private void holdLock(Connection admin) throws SQLException {
		String keyspace = this.keyspaces.get(this.random.nextInt(this.keyspaces.size()));
		long holdMillis = 50 + this.random.nextInt((int) (this.resolveWait.toMillis() * 3 / 2));
		boolean kill = this.random.nextBoolean();
		admin.setAutoCommit(false);
		try {
			if (!lock(admin, List.of(keyspace))) {
				return;
			}
			count("lock");
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
			while (System.nanoTime() < until && !this.stopping) {
				if (kill) {
					Session waiting = first(sessions(admin), (session) -> isNode(session)
							&& "Lock".equals(session.waitEventType()));
					if (waiting != null && terminate(admin, waiting)) {
						count("lock.killed." + waiting.category());
						kill = false;
					}
				}
				// Pacing of the look at pg_stat_activity, not synchronisation.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
		}
		finally {
			admin.rollback();
			admin.setAutoCommit(true);
		}
	}

	/** Terminates a commit in flight, then takes every keyspace's lock before its resolution can. */
	private void killThenLock(Connection admin) throws SQLException {
		Session victim = await(admin, 300, (session) -> isNode(session) && session.busy()
				&& COMMITS.contains(session.category()));
		if (victim == null) {
			return;
		}
		long holdMillis = this.resolveWait.toMillis() / 5
				+ this.random.nextInt((int) (this.resolveWait.toMillis() * 9 / 5));
		admin.setAutoCommit(false);
		try {
			if (!terminate(admin, victim)) {
				return;
			}
			count("killThenLock." + victim.category());
			if (!lock(admin, this.keyspaces)) {
				return;
			}
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
			while (System.nanoTime() < until && !this.stopping) {
				// The hold itself: the lock is what the fault is; pacing, not synchronisation.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			}
		}
		finally {
			admin.rollback();
			admin.setAutoCommit(true);
		}
	}

	/** Locks keyspace rows in id order within the admin's transaction; false if that took over 2 s. */
	private boolean lock(Connection admin, List<String> names) throws SQLException {
		try (PreparedStatement timeout = admin.prepareStatement("SET LOCAL lock_timeout = '2s'")) {
			timeout.execute();
		}
		try (PreparedStatement lock = admin.prepareStatement("SELECT id FROM " + BatchLog.PREFIX
				+ "keyspace WHERE name = ANY(?) ORDER BY id FOR UPDATE")) {
			lock.setArray(1, admin.createArrayOf("text", names.toArray()));
			lock.executeQuery().close();
			return true;
		}
		catch (SQLException ex) {
			if ("55P03".equals(ex.getSQLState())) { // lock_not_available: the nodes kept it busy
				count("lockTimedOut");
				return false;
			}
			throw ex;
		}
	}

	private boolean isNode(Session session) {
		for (int n = 0; n < this.nodes.size(); n++) {
			if (this.nodes.name(n).equals(session.application())) {
				return true;
			}
		}
		return false;
	}

	private @Nullable Session await(Connection admin, long millis, Predicate<Session> wanted)
			throws SQLException {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (!this.stopping) {
			List<Session> found = sessions(admin).stream().filter(wanted).toList();
			if (!found.isEmpty()) {
				return found.get(this.random.nextInt(found.size()));
			}
			if (System.nanoTime() >= until) {
				return null;
			}
			// Pacing of the look at pg_stat_activity, not synchronisation.
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return null;
	}

	private static @Nullable Session first(List<Session> sessions, Predicate<Session> wanted) {
		for (Session session : sessions) {
			if (wanted.test(session)) {
				return session;
			}
		}
		return null;
	}

	private static List<Session> sessions(Connection admin) throws SQLException {
		List<Session> out = new ArrayList<>();
		try (PreparedStatement statement = admin.prepareStatement("SELECT pid, coalesce(application_name, ''), "
				+ "coalesce(state, ''), wait_event_type, coalesce(query, ''), coalesce(xact_start > query_start, false) "
				+ "FROM pg_stat_activity "
				+ "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				out.add(new Session(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4),
						rows.getString(5), rows.getBoolean(6)));
			}
		}
		return out;
	}

	private static boolean terminate(Connection admin, Session session) throws SQLException {
		return signal(admin, session, "pg_terminate_backend");
	}

	private static boolean signal(Connection admin, Session session, String function) throws SQLException {
		try (PreparedStatement statement = admin.prepareStatement("SELECT " + function + "(?)")) {
			statement.setInt(1, session.pid());
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() && rows.getBoolean(1);
			}
		}
	}

	private void count(String name) {
		// Written by the injector thread only.
		this.counts.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
	}

	/** Stops injecting (a lock held is released) and waits for the injector. */
	@Override
	public void close() throws InterruptedException {
		this.stopping = true;
		this.thread.join(TimeUnit.MINUTES.toMillis(1));
		if (this.thread.isAlive()) {
			throw new IllegalStateException("The fault injector did not stop");
		}
	}

	/**
	 * A session in {@code pg_stat_activity}.
	 * @param pid its backend
	 * @param application its application name
	 * @param state its state
	 * @param waitEventType what it waits for, or null
	 * @param query its current (or last) statement
	 * @param laterTransaction whether its transaction started after its statement (a procedure that committed:
	 * the released procedure past its batch's COMMIT, in its flush transaction)
	 */
	record Session(int pid, String application, String state, @Nullable String waitEventType, String query,
			boolean laterTransaction) {

		boolean busy() {
			return "active".equals(this.state) || this.state.startsWith("idle in transaction");
		}

		/** Which of the engine's statements it runs. */
		String category() {
			String query = this.query.strip();
			if (query.contains("commit_released")) {
				return this.laterTransaction ? "releasedCommitted" : "released";
			}
			if (query.contains("commit(")) {
				return "function";
			}
			if (query.startsWith("WITH p AS")) {
				return "oneWrite";
			}
			if (query.contains("pg_logical_emit_message")) {
				return "flush";
			}
			if (query.contains("lock_timeout") || query.contains("FOR UPDATE") || query.contains("batch_id =")) {
				return "resolve";
			}
			if (query.startsWith("SELECT 0 AS part")) {
				return "read";
			}
			if (query.contains("pg_notify")) {
				return "hint";
			}
			return "other";
		}

	}

}
