package io.levelmutex.spring.boot.autoconfigure;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Tells why the PostgreSQL store did not open, for the startup failure analysis: a URL no driver accepts, a server
 * that cannot be reached, a refused login, a missing database, a missing schema (with
 * {@code initialize-schema=never}), a schema of another version, {@code synchronous_commit} off; each with the
 * property or the statement that fixes it. Anything else keeps the general explanation.
 */
final class PostgresOpenFailure {

	/**
	 * The engine's message for a schema of another version ("... is version N; ...") or of this version without
	 * its commit function ("... is version 2 but ...", a half-done upgrade).
	 */
	private static final Pattern SCHEMA_VERSION = Pattern.compile("is version (\\d+)[; ]");

	private static final String INITIALIZE_SCHEMA = "level-mutex.postgres.initialize-schema";

	private PostgresOpenFailure() {
	}

	/**
	 * The startup failure for a store that did not open.
	 * @param dataSource where it was opened
	 * @param schemaNever whether {@code initialize-schema} is {@code never}
	 * @param cause why
	 * @return the exception carrying the analysis
	 */
	static PostgresEngineUnavailableException of(PostgresStoreDataSource dataSource, boolean schemaNever,
			Throwable cause) {
		String where = dataSource.description();
		String message = String.valueOf(cause.getMessage());
		SQLException sql = sqlException(cause);
		String state = (sql != null && sql.getSQLState() != null) ? sql.getSQLState() : "";
		if (message.contains("claims to not accept jdbcUrl") || message.contains("Failed to get driver instance")
				|| message.contains("No suitable driver")) {
			return failure("The URL of " + where + " (" + dataSource.property("url") + ") is not a PostgreSQL JDBC URL:"
					+ " " + message,
					"Set " + dataSource.property("url") + " to jdbc:postgresql://HOST:PORT/DATABASE.", cause);
		}
		if (state.startsWith("08")) {
			return failure("The level-mutex PostgreSQL store cannot reach the server of " + where + ": "
					+ sql.getMessage(),
					"Check that the PostgreSQL server is running and accepts TCP/IP connections, and that "
							+ dataSource.property("url") + " names its host and port.",
					cause);
		}
		if (state.equals("28000") || state.equals("28P01")) {
			return failure("The PostgreSQL server of " + where + " refused the store's login: " + sql.getMessage(),
					"Check " + dataSource.property("username") + " and " + dataSource.property("password")
							+ " (and that the role exists and may log in).",
					cause);
		}
		if (state.equals("3D000")) {
			return failure("The database of " + where + " does not exist: " + sql.getMessage(),
					"Create the database, or fix the database name in " + dataSource.property("url") + ".", cause);
		}
		if (message.contains("synchronous_commit")) {
			return failure("The level-mutex PostgreSQL store on " + where + " could not be opened: " + message,
					"Turn synchronous_commit on for the store's sessions: remove the setting that turns it off"
							+ " (ALTER DATABASE ... RESET synchronous_commit, ALTER ROLE ... RESET synchronous_commit,"
							+ " '-c synchronous_commit=off' in the connection options, or synchronous_commit = off in"
							+ " postgresql.conf); the engine requires it on.",
					cause);
		}
		if (message.contains("No level-mutex schema")) {
			return failure("The level-mutex PostgreSQL store on " + where + " could not be opened: there is no"
					+ " level-mutex schema (" + message + ")",
					INITIALIZE_SCHEMA + " is 'never', so the store does not create its tables: create them with the"
							+ " application's migrations from " + PostgresSchema.RESOURCE + " in level-mutex-postgres"
							+ " (Flyway: copy it to db/migration/V<n>__level_mutex.sql; Liquibase: an sqlFile change"
							+ " with that path and splitStatements: false; spring.sql.init: spring.sql.init.separator"
							+ " set to a delimiter not in the file), or set " + INITIALIZE_SCHEMA + "=always (the store then creates them"
							+ " after Flyway, Liquibase and spring.sql.init have run).",
					cause);
		}
		Matcher version = SCHEMA_VERSION.matcher(message);
		if (version.find()) {
			return failure("The level-mutex PostgreSQL store on " + where + " could not be opened: the schema is of"
					+ " another version (" + message + ")", versionAction(Integer.parseInt(version.group(1))), cause);
		}
		return PostgresEngineUnavailableException.openFailed(where, schemaNever, cause);
	}

	private static String versionAction(int found) {
		String how = " (Flyway: copy it to db/migration/V<n>__<description>.sql as the next migration; Liquibase: an"
				+ " sqlFile change with that path and splitStatements: false)";
		String always = " Or set " + INITIALIZE_SCHEMA + "=always and the store upgrades it when it opens.";
		if (found == 1 || found == PostgresSchema.VERSION_WITHOUT_JOINED) {
			// Version 1, or a version-2 schema whose commit function is missing (an upgrade from 1 half done).
			return "Run " + PostgresSchema.UPGRADE_FROM_V1 + ", then " + PostgresSchema.UPGRADE_FROM_V2
					+ " from level-mutex-postgres on the database" + how + "; they upgrade the schema to version "
					+ PostgresSchema.VERSION + " in place, keeping the data." + always;
		}
		if (found == PostgresSchema.VERSION) {
			// A version-3 schema that lacks a function or procedure of its version (an upgrade half done).
			return "Run " + PostgresSchema.UPGRADE_FROM_V2 + " (and, if the commit function is missing, "
					+ PostgresSchema.UPGRADE_FROM_V1 + " before it) from level-mutex-postgres on the database" + how
					+ "; every statement of them is idempotent and keeps the data." + always;
		}
		if (found > PostgresSchema.VERSION) {
			return "The schema is newer than this level-mutex-postgres knows (version " + PostgresSchema.VERSION
					+ "): upgrade level-mutex-postgres to the version that created it.";
		}
		return "There is no upgrade script from version " + found + " (the upgrade scripts are in "
				+ PostgresSchema.DIRECTORY + "): remove the schema with " + PostgresSchema.DIRECTORY + "drop.sql and"
				+ " create it with " + PostgresSchema.RESOURCE + " (its data is lost).";
	}

	private static PostgresEngineUnavailableException failure(String description, String action, Throwable cause) {
		return new PostgresEngineUnavailableException(description, action, cause);
	}

	private static @Nullable SQLException sqlException(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
