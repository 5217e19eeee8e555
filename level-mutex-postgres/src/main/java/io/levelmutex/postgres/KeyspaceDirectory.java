package io.levelmutex.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;

/** Maps keyspace names to their row ids, creating the row on first use. Thread-safe. */
final class KeyspaceDirectory {

	static final int MAX_NAME_BYTES = 200;

	private final PostgresSql sql;

	/** Owned by this directory; ids never change once created. */
	private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();

	KeyspaceDirectory(PostgresSql sql) {
		this.sql = sql;
	}

	static void validateName(String name) {
		if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES
				|| name.indexOf('\0') >= 0) {
			throw new PostgresInputException("A keyspace name is 1 to " + MAX_NAME_BYTES
					+ " bytes of UTF-8 without NUL, not " + (name == null ? "null" : "'" + abbreviate(name) + "'"));
		}
	}

	Integer cached(String name) {
		return this.ids.get(name);
	}

	int id(Connection connection, String name) throws SQLException {
		validateName(name);
		Integer known = this.ids.get(name);
		if (known != null) {
			return known;
		}
		int id;
		try (PreparedStatement insert = connection.prepareStatement(this.sql.insertKeyspace)) {
			insert.setString(1, name);
			insert.executeUpdate();
		}
		try (PreparedStatement select = connection.prepareStatement(this.sql.keyspaceId)) {
			select.setString(1, name);
			try (ResultSet rows = select.executeQuery()) {
				rows.next();
				id = rows.getInt(1);
			}
		}
		if (!connection.getAutoCommit()) {
			connection.commit();
		}
		this.ids.putIfAbsent(name, id);
		return id;
	}

	private static String abbreviate(String name) {
		return name.length() > 40 ? name.substring(0, 40) + "..." : name;
	}

}
