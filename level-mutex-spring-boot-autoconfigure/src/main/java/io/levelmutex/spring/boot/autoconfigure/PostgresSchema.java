package io.levelmutex.spring.boot.autoconfigure;

/**
 * The PostgreSQL engine's schema file in {@code level-mutex-postgres}, named in failure analyses and the README's
 * migration set-up (one constant, so that a new schema version changes one line).
 */
final class PostgresSchema {

	/** Class-path location of the schema the engine creates and expects. */
	static final String RESOURCE = "META-INF/level-mutex/postgres/schema-v3.sql";

	/** Class-path folder of the engine's schema files (the schema and its upgrades). */
	static final String DIRECTORY = "META-INF/level-mutex/postgres/";

	/** Class-path location of the script that upgrades a version 1 schema to version 2. */
	static final String UPGRADE_FROM_V1 = DIRECTORY + "upgrade-v1-to-v2.sql";

	/** Class-path location of the script that upgrades a version 2 schema to {@link #RESOURCE}'s version. */
	static final String UPGRADE_FROM_V2 = DIRECTORY + "upgrade-v2-to-v3.sql";

	/** The schema version {@link #RESOURCE} creates. */
	static final int VERSION = 3;

	/** The oldest version the engine still opens (it then commits every batch on its own, without joining). */
	static final int VERSION_WITHOUT_JOINED = 2;

	private PostgresSchema() {
	}

}
