package io.levelmutex.reliability.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.postgres.test.PostgresCluster;

/**
 * Several nodes in this JVM on one database of a private cluster, plus what the tests do to them from
 * outside: terminate a node's sessions ({@code pg_terminate_backend}), count them, read the batch log. Owned
 * by the test thread.
 */
final class PgNodes implements AutoCloseable {

	/** The {@code application_name} the engine's remote-change listener sets on its own session. */
	static final String LISTENER_APPLICATION_NAME = "level-mutex-listener";

	private final PostgresCluster cluster;

	private final String database;

	private final List<String> names = new ArrayList<>();

	private final List<PgNode.Opened> stores = new ArrayList<>();

	private PgNodes(PostgresCluster cluster, String database) {
		this.cluster = cluster;
		this.database = database;
	}

	/**
	 * Creates a database and opens {@code count} nodes on it, named {@code <database>-n<i>}.
	 */
	static PgNodes open(PostgresCluster cluster, String database, int count) throws SQLException {
		return open(cluster, database, count, PgNode.Config.DEFAULT);
	}

	/**
	 * Creates a database and opens {@code count} nodes on it with the given configuration.
	 */
	static PgNodes open(PostgresCluster cluster, String database, int count, PgNode.Config config)
			throws SQLException {
		cluster.createDatabase(database);
		PgNodes nodes = new PgNodes(cluster, database);
		for (int i = 0; i < count; i++) {
			String name = database + "-n" + i;
			nodes.names.add(name);
			nodes.stores.add(PgNode.open(cluster.jdbcUrl(database), cluster.username(), name, config));
		}
		return nodes;
	}

	int size() {
		return this.stores.size();
	}

	String name(int node) {
		return this.names.get(node);
	}

	MutexStore store(int node) {
		return this.stores.get(node).store();
	}

	Mutex<String, String> mutex(int node, String name) {
		return PgNode.strings(this.stores.get(node).store(), name);
	}

	List<Mutex<String, String>> mutexes(String name) {
		List<Mutex<String, String>> out = new ArrayList<>();
		for (int i = 0; i < size(); i++) {
			out.add(mutex(i, name));
		}
		return out;
	}

	String jdbcUrl() {
		return this.cluster.jdbcUrl(this.database);
	}

	Connection admin() throws SQLException {
		return this.cluster.connect(this.database);
	}

	/** A superuser session on the cluster's {@code postgres} database (to change this database from outside). */
	Connection serverAdmin() throws SQLException {
		return this.cluster.connect("postgres");
	}

	/** This database's name. */
	String database() {
		return this.database;
	}

	/**
	 * Terminates the sessions of a node that are inside a transaction or running a statement other than
	 * {@code LISTEN}'s wait (a batch or a read phase in progress).
	 * @return how many were terminated
	 */
	int terminateBusySessions(int node) throws SQLException {
		return terminate("application_name = ? AND state <> 'idle'", name(node));
	}

	/**
	 * Terminates the remote-change listeners' sessions of every node on this database (the engine names them
	 * {@value #LISTENER_APPLICATION_NAME}, whatever the data source's application name).
	 * @return how many were terminated
	 */
	int terminateListeners() throws SQLException {
		try (Connection connection = admin(); PreparedStatement statement = connection.prepareStatement(
				"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
						+ "datname = current_database() AND application_name = ?")) {
			statement.setString(1, LISTENER_APPLICATION_NAME);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	/** Sessions of a node (any state). */
	long sessions(String applicationName) throws SQLException {
		return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName);
	}

	private long count(String sql, String applicationName) throws SQLException {
		try (Connection connection = admin(); PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, applicationName);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private int terminate(String where, String name) throws SQLException {
		try (Connection connection = admin(); PreparedStatement statement = connection.prepareStatement(
				"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
						+ where)) {
			statement.setString(1, name);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		for (PgNode.Opened store : this.stores) {
			try {
				store.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
