package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * Refuses a database on which a commit could be acknowledged before it is durable: {@code synchronous_commit}
 * {@code off} in the session the engine gets from its DataSource, or as the value sessions start with (server
 * configuration, database or role setting), or in the server's configuration file (when the role may read
 * {@code pg_file_settings}). Every batch transaction also sets it on locally.
 */
final class DurabilityCheck {

	private DurabilityCheck() {
	}

	static void check(Connection connection) throws SQLException {
		String session;
		String source;
		String initial;
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(PostgresSql.SYNCHRONOUS_COMMIT)) {
			rows.next();
			session = rows.getString(1);
			source = rows.getString(2);
			initial = rows.getString(3);
		}
		if ("off".equals(session)) {
			throw new PostgresConfigurationException("synchronous_commit is off in the engine's sessions (set by: "
					+ source + "; 'database' or 'user' is ALTER DATABASE/ROLE, 'client' the connection options, "
					+ "'configuration file' the server's): acknowledged batches could be lost in a crash; the "
					+ "PostgreSQL engine requires it on", null);
		}
		if ("off".equals(initial)) {
			throw new PostgresConfigurationException("synchronous_commit is off as sessions start (server "
					+ "configuration, database or role setting, or connection options) and only switched on in the "
					+ "session: acknowledged batches could be lost in a crash; the PostgreSQL engine requires it on",
					null);
		}
		String file = configurationFileSetting(connection);
		if ("off".equals(file)) {
			throw new PostgresConfigurationException("synchronous_commit is off in the server's configuration file "
					+ "(only overridden for the engine's sessions): other clients' commits, and any session that "
					+ "loses the override, are not durable; the PostgreSQL engine requires it on", null);
		}
	}

	/** The configuration file's effective value, or null if none is set or the role may not read it. */
	private static @Nullable String configurationFileSetting(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(PostgresSql.SYNCHRONOUS_COMMIT_FILE)) {
			return rows.next() ? rows.getString(1) : null;
		}
		catch (SQLException ex) {
			if ("42501".equals(ex.getSQLState())) {
				// pg_file_settings needs superuser or pg_read_all_settings: the session checks must do.
				return null;
			}
			throw ex;
		}
	}

}
