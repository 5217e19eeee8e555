package io.levelmutex.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the schema from the shipped SQL ({@value #RESOURCE}) with the configured table prefix, or checks
 * that it is there. Creation runs in one transaction under a transaction-scoped advisory lock, so nodes
 * starting together do not race on {@code CREATE ... IF NOT EXISTS}.
 */
final class SchemaInstaller {

	static final String RESOURCE = "META-INF/level-mutex/postgres/schema-v1.sql";

	static final int VERSION = 1;

	/** Advisory lock key of schema creation: "lvlmutex" in ASCII. */
	private static final long LOCK_KEY = 0x6c766c6d75746578L;

	private SchemaInstaller() {
	}

	/** The statements of the schema with {@code prefix} in place of the default prefix. */
	static List<String> statements(String prefix) {
		String sql;
		try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("Missing resource " + RESOURCE);
			}
			sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> statements = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : sql.split("\n")) {
			if (line.strip().startsWith("--")) {
				continue;
			}
			current.append(line).append('\n');
			if (line.strip().endsWith(";")) {
				statements.add(current.toString().strip().replace(PostgresSettings.DEFAULT_PREFIX, prefix));
				current.setLength(0);
			}
		}
		return statements;
	}

	static void install(Connection connection, String prefix) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
			for (String sql : statements(prefix)) {
				statement.execute(sql);
			}
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			Connections.rollbackQuietly(connection);
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
		verify(connection, prefix);
	}

	/**
	 * Checks that the schema exists in a version this code knows.
	 * @throws PostgresConfigurationException if it is missing or of another version
	 */
	static void verify(Connection connection, String prefix) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT to_regclass('" + prefix + "schema_version') IS NOT NULL")) {
			rows.next();
			if (!rows.getBoolean(1)) {
				throw new PostgresConfigurationException("No level-mutex schema with table prefix '" + prefix
						+ "': run " + RESOURCE + " (with that prefix) or let the engine create it", null);
			}
		}
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT max(version) FROM " + prefix + "schema_version")) {
			rows.next();
			int version = rows.getInt(1);
			if (version != VERSION) {
				throw new PostgresConfigurationException("The level-mutex schema with table prefix '" + prefix
						+ "' is version " + version + "; this engine knows version " + VERSION, null);
			}
		}
	}

}
