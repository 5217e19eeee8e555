package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses a database on which a commit could be acknowledged before it is durable: {@code synchronous_commit}
 * {@code off} in the session the engine gets from its DataSource, or as the value sessions start with (server
 * configuration, database or role setting). Every batch transaction also sets it on locally.
 */
final class DurabilityCheck {

	private DurabilityCheck() {
	}

	static void check(Connection connection) throws SQLException {
		String session;
		String initial;
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT current_setting('synchronous_commit'), "
						+ "(SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit')")) {
			rows.next();
			session = rows.getString(1);
			initial = rows.getString(2);
		}
		if ("off".equals(initial)) {
			throw new PostgresConfigurationException("synchronous_commit is off on the server (configuration, "
					+ "database or role setting): acknowledged batches could be lost in a crash; the PostgreSQL "
					+ "engine requires it on", null);
		}
		if ("off".equals(session)) {
			throw new PostgresConfigurationException("synchronous_commit is off in the sessions of the DataSource "
					+ "(connection options or init SQL): acknowledged batches could be lost in a crash; the "
					+ "PostgreSQL engine requires it on", null);
		}
	}

}
