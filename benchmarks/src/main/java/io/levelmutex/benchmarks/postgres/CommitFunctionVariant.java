package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which body of the schema's commit function {@code level_mutex_commit} a benchmark point runs, for A/B points on one
 * server: {@link #CURRENT} installs the engine's own (from its schema-v3.sql: a point's database may have been made
 * from an older schema, as {@link CombineProbe}'s version-2 templates), {@link #BEFORE_PGBLIND} the body of main
 * before branch pgblind (its apply upserted every put). Both have the same signature and reply, so the engine calls
 * either unchanged. Stateless.
 */
enum CommitFunctionVariant {

	/** The function as the engine's schema file installs it. */
	CURRENT(null),

	/** The function before pgblind: {@code commit-function-before-pgblind.sql}. */
	BEFORE_PGBLIND("commit-function-before-pgblind.sql");

	private final String resource;

	CommitFunctionVariant(String resource) {
		this.resource = resource;
	}

	/**
	 * Installs this variant's function body in the connection's database (the default table prefix; its schema
	 * version 2 or 3 already there).
	 * @param connection a connection to the point's database, in autocommit
	 * @throws SQLException if the server refuses
	 */
	void install(Connection connection) throws SQLException {
		String sql;
		if (this.resource == null) {
			String schema = read(io.levelmutex.postgres.PostgresStore.class.getClassLoader(),
					EngineTable.RESOURCES + "/schema-v3.sql");
			int from = schema.indexOf("CREATE OR REPLACE FUNCTION level_mutex_commit(");
			int to = schema.indexOf("$$;", schema.indexOf("AS $$", from)) + 3;
			sql = schema.substring(from, to);
		}
		else {
			sql = read(CommitFunctionVariant.class.getClassLoader(),
					CommitFunctionVariant.class.getPackageName().replace('.', '/') + "/" + this.resource);
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String read(ClassLoader loader, String resource) {
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Missing resource " + resource);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The variant a point's name asks for: a trailing {@code b} (as in {@code e1b}) is {@link #BEFORE_PGBLIND}.
	 * @param point the point's name
	 * @return the variant
	 */
	static CommitFunctionVariant ofPoint(String point) {
		return point.endsWith("b") ? BEFORE_PGBLIND : CURRENT;
	}

	/**
	 * The point's name without the variant's suffix.
	 * @param point the point's name
	 * @return the name without a trailing {@code b}
	 */
	static String basePoint(String point) {
		return point.endsWith("b") ? point.substring(0, point.length() - 1) : point;
	}

}
