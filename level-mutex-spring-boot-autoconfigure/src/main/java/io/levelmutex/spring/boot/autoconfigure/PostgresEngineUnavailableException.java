package io.levelmutex.spring.boot.autoconfigure;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL engine was chosen ({@code level-mutex.store.engine=postgres}) but cannot be set up: its module is
 * missing, no DataSource can be found, or the store does not open. Carries the description and the action that
 * {@link PostgresEngineFailureAnalyzer} reports at startup.
 */
final class PostgresEngineUnavailableException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	static final String POSTGRES_STORE = "io.levelmutex.postgres.PostgresStore";

	private static final String ENGINE = "level-mutex.store.engine";

	/** Set once in the constructor. */
	private final String action;

	PostgresEngineUnavailableException(String description, String action, @Nullable Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * No store, although the engine is {@code postgres}.
	 * @param modulePresent whether {@code level-mutex-postgres} is on the classpath (then its auto-configuration
	 * was excluded)
	 * @return the exception
	 */
	static PostgresEngineUnavailableException engineMissing(boolean modulePresent) {
		if (modulePresent) {
			return new PostgresEngineUnavailableException(ENGINE + " is 'postgres' but no MutexStore was created:"
					+ " LevelMutexPostgresAutoConfiguration is excluded.",
					"Stop excluding io.levelmutex.spring.boot.autoconfigure.LevelMutexPostgresAutoConfiguration, define"
							+ " a MutexStore bean of your own, or set " + ENGINE + "=rocksdb.",
					null);
		}
		return new PostgresEngineUnavailableException(ENGINE + " is 'postgres' but the PostgreSQL engine"
				+ " (io.levelmutex:level-mutex-postgres, class " + POSTGRES_STORE + ") is not on the classpath.",
				"Add the dependency io.levelmutex:level-mutex-postgres to the application, or set " + ENGINE
						+ "=rocksdb for the embedded engine.",
				null);
	}

	/**
	 * No DataSource to open the store on.
	 * @param candidates how many DataSource beans exist (more than one: none is primary)
	 * @return the exception
	 */
	static PostgresEngineUnavailableException noDataSource(long candidates) {
		String description = (candidates == 0)
				? ENGINE + " is 'postgres' but the application has no DataSource and level-mutex.postgres.url is not"
						+ " set."
				: ENGINE + " is 'postgres' but the application has " + candidates + " DataSource beans, none of them"
						+ " @Primary or qualified @LevelMutexDataSource, and level-mutex.postgres.url is not set.";
		return new PostgresEngineUnavailableException(description,
				"Set level-mutex.postgres.url (with level-mutex.postgres.username and .password) for a database of the"
						+ " store's own, or give the application a DataSource (spring-boot-starter-jdbc and"
						+ " spring.datasource.url), or qualify the DataSource the store should use with"
						+ " @LevelMutexDataSource.",
				null);
	}

	/**
	 * A URL the PostgreSQL driver does not accept.
	 * @param property the property that sets it
	 * @param url its value
	 * @return the exception
	 */
	static PostgresEngineUnavailableException notAPostgresUrl(String property, String url) {
		return new PostgresEngineUnavailableException(property + " is '" + url + "', which is not a PostgreSQL JDBC"
				+ " URL: the PostgreSQL driver accepts only URLs starting with jdbc:postgresql://.",
				"Set " + property + " to jdbc:postgresql://HOST:PORT/DATABASE.", null);
	}

	/**
	 * The store did not open.
	 * @param where the database, for the message
	 * @param schemaNever whether {@code level-mutex.postgres.initialize-schema} is {@code never}
	 * @param cause why
	 * @return the exception
	 */
	static PostgresEngineUnavailableException openFailed(String where, boolean schemaNever, Throwable cause) {
		return new PostgresEngineUnavailableException(
				"The level-mutex PostgreSQL store on " + where + " could not be opened: " + cause.getMessage(),
				"Check that the database is reachable with the configured credentials"
						+ (schemaNever ? ", and that its tables exist: level-mutex.postgres.initialize-schema is"
								+ " 'never', so they are not created (set it to 'always' once, or create them from"
								+ " " + PostgresSchema.RESOURCE + " in level-mutex-postgres)"
								: ", and that its user may create tables (level-mutex.postgres.initialize-schema"
										+ " is 'always')")
						+ ".",
				cause);
	}

	String action() {
		return this.action;
	}

}
