package io.levelmutex.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the schema from the shipped SQL ({@value #RESOURCE}) with the configured table prefix, upgrading a
 * version-1 or version-2 schema on the way (every statement of that file is idempotent), or checks that it is there
 * in this version or in version 2 (which lacks only the joined-commit procedure: the engine then commits each
 * batch on its own). Creation runs in one transaction under a transaction-scoped advisory lock, so nodes starting together
 * do not race on {@code CREATE ... IF NOT EXISTS}.
 */
final class SchemaInstaller {

	static final String DIRECTORY = "META-INF/level-mutex/postgres/";

	static final String RESOURCE = DIRECTORY + "schema-v3.sql";

	static final String UPGRADE_FROM_V1 = DIRECTORY + "upgrade-v1-to-v2.sql";

	static final String UPGRADE_FROM_V2 = DIRECTORY + "upgrade-v2-to-v3.sql";

	static final String DROP = DIRECTORY + "drop.sql";

	static final int VERSION = 3;

	/** The oldest version the engine still runs on (without joined commits). */
	static final int VERSION_WITHOUT_JOINED = 2;

	/** Advisory lock key of schema creation: "lvlmutex" in ASCII. */
	private static final long LOCK_KEY = 0x6c766c6d75746578L;

	private SchemaInstaller() {
	}

	/** The statements of the schema with {@code prefix} in place of the default prefix. */
	static List<String> statements(String prefix) {
		return statements(RESOURCE, prefix);
	}

	/**
	 * The statements of a shipped script with {@code prefix} in place of the default prefix: split at lines
	 * ending with a semicolon, except inside a {@code $$}-quoted body; comment lines left out.
	 */
	static List<String> statements(String resource, String prefix) {
		String sql;
		try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Missing resource " + resource);
			}
			sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> statements = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean quoted = false;
		for (String line : sql.split("\n")) {
			if (!quoted && line.strip().startsWith("--")) {
				continue;
			}
			current.append(line).append('\n');
			if (countDollarQuotes(line) % 2 == 1) {
				quoted = !quoted;
			}
			if (!quoted && line.strip().endsWith(";")) {
				statements.add(current.toString().strip().replace(PostgresSettings.DEFAULT_PREFIX, prefix));
				current.setLength(0);
			}
		}
		return statements;
	}

	private static int countDollarQuotes(String line) {
		int count = 0;
		for (int at = line.indexOf("$$"); at >= 0; at = line.indexOf("$$", at + 2)) {
			count++;
		}
		return count;
	}

	/**
	 * Creates or upgrades the schema, then verifies it.
	 * @return whether the joined-commit procedure is there (always, unless another installer's version won)
	 */
	static boolean install(Connection connection, String prefix) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			try (PreparedStatement lock = connection.prepareStatement(PostgresSql.SCHEMA_LOCK)) {
				lock.setLong(1, LOCK_KEY);
				lock.execute();
			}
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
		return verify(connection, prefix);
	}

	/**
	 * Checks that the schema exists in the version this code knows (or in version 2), with its commit function.
	 * @return whether it has the joined-commit procedure (version 3); {@code false} at version 2
	 * @throws PostgresConfigurationException if it is missing, of version 1 (naming the upgrade script) or of
	 * another version, or a version-3 schema lacks its procedure
	 */
	static boolean verify(Connection connection, String prefix) throws SQLException {
		PostgresSql sql = new PostgresSql(prefix);
		if (!queryBoolean(connection, sql.schemaExists)) {
			throw new PostgresConfigurationException("No level-mutex schema with table prefix '" + prefix
					+ "': run " + RESOURCE + " (with that prefix) or let the engine create it", null);
		}
		int version;
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql.schemaVersion)) {
			rows.next();
			version = rows.getInt(1);
		}
		if (version == 1) {
			throw new PostgresConfigurationException("The level-mutex schema with table prefix '" + prefix
					+ "' is version 1; this engine needs version " + VERSION + " (or " + VERSION_WITHOUT_JOINED + "): run "
					+ UPGRADE_FROM_V1 + ", then " + UPGRADE_FROM_V2 + " (with that prefix) or let the engine upgrade it",
					null);
		}
		if (version != VERSION && version != VERSION_WITHOUT_JOINED) {
			throw new PostgresConfigurationException("The level-mutex schema with table prefix '" + prefix
					+ "' is version " + version + "; this engine knows versions " + VERSION_WITHOUT_JOINED + " and "
					+ VERSION, null);
		}
		if (!queryBoolean(connection, sql.commitFunctionExists)) {
			throw new PostgresConfigurationException("The level-mutex schema with table prefix '" + prefix
					+ "' is version " + version + " but its function " + prefix + PostgresSql.COMMIT_FUNCTION
					+ " or its procedure " + prefix + PostgresSql.COMMIT_RELEASED_PROCEDURE + " is missing: run "
					+ UPGRADE_FROM_V1 + " (with that prefix)", null);
		}
		if (version == VERSION_WITHOUT_JOINED) {
			return false;
		}
		if (!queryBoolean(connection, sql.joinedProcedureExists)) {
			throw new PostgresConfigurationException("The level-mutex schema with table prefix '" + prefix
					+ "' is version " + VERSION + " but its procedure " + prefix + PostgresSql.COMMIT_JOINED_PROCEDURE
					+ " is missing: run " + UPGRADE_FROM_V2 + " (with that prefix)", null);
		}
		return true;
	}

	/**
	 * Whether the schema has the put function ({@link PostgresSql#commitPutFunction}): version 3 from the build that
	 * added it; a version-2 schema, or a version-3 one created before, puts one key through the plain statement.
	 * @param connection a connection to the database
	 * @param prefix the table prefix
	 * @return whether the function exists
	 * @throws SQLException if the catalog cannot be read
	 */
	static boolean hasPutFunction(Connection connection, String prefix) throws SQLException {
		return queryBoolean(connection, new PostgresSql(prefix).putFunctionExists);
	}

	private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getBoolean(1);
		}
	}

}
