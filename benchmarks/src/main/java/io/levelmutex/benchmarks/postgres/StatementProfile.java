package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What each point executed on the server, from {@code pg_stat_statements} (loaded by
 * {@link PgServer#enableStatementStatistics()}): the statements with the most total execution time since the
 * point started, with their calls per successful operation. Stateless.
 */
final class StatementProfile {

	private static final int TOP = 8;

	private StatementProfile() {
	}

	static void reset(PgServer server) throws SQLException {
		try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_stat_statements_reset()");
		}
	}

	/**
	 * Statements executed on the benchmark's databases since the last {@link #reset(PgServer)}, every kind
	 * ({@code BEGIN}, {@code SET}, {@code COMMIT} included: {@code pg_stat_statements.track_utility} is on by
	 * default).
	 * @param server the server
	 * @return the sum of their calls
	 * @throws SQLException if the view cannot be read
	 */
	static long calls(PgServer server) throws SQLException {
		try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s"
						+ " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname LIKE 'bench%'")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * The busiest statements since the last {@link #reset(PgServer)}, with their calls per operation.
	 * @param server the server
	 * @param operations the point's successful operations (the whole run, warm-up included)
	 * @return one line
	 * @throws SQLException if the view cannot be read
	 */
	static String top(PgServer server, long operations) throws SQLException {
		return top(server, operations, "op");
	}

	/**
	 * The busiest statements since the last {@link #reset(PgServer)}.
	 * @param server the server
	 * @param units what the calls are divided by (operations, batches)
	 * @param unit the unit's name
	 * @return one line
	 * @throws SQLException if the view cannot be read
	 */
	static String top(PgServer server, long units, String unit) throws SQLException {
		long operations = units;
		StringBuilder out = new StringBuilder();
		try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT calls, total_exec_time, mean_exec_time, query"
						+ " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
						+ " WHERE d.datname LIKE 'bench%' ORDER BY total_exec_time DESC LIMIT " + TOP)) {
			while (rows.next()) {
				String query = rows.getString(4).replaceAll("\\s+", " ").replace("|", "\\|");
				if (query.length() > 90) {
					query = query.substring(0, 90) + "...";
				}
				out.append(String.format(Locale.ROOT, "%n  - `%s`: %.2f calls/%s, %.3f ms mean, %.0f ms total", query,
						(operations == 0) ? 0.0 : rows.getLong(1) / (double) operations, unit, rows.getDouble(3),
						rows.getDouble(2)));
			}
		}
		return out.toString();
	}

}
