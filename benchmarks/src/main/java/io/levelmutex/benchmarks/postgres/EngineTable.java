package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.levelmutex.benchmarks.Workload;
import io.levelmutex.postgres.PostgresStore;
import org.jspecify.annotations.Nullable;

/**
 * The engine's own entry table, for the limit on the engine's table shape: the newest {@code schema-vN.sql} the
 * PostgreSQL module ships (found by listing its resources, so a new schema version is picked up), run as is
 * with the default prefix, one keyspace row, and the entry table's columns looked up in the catalog: the key,
 * the value, the keyspace and the sequence columns by name. A schema whose entry table has another not-null
 * column without a default is refused with its column list. Immutable once created.
 */
final class EngineTable {

	/** Where the PostgreSQL module keeps its schema files, inside its jar or classes directory. */
	static final String RESOURCES = "META-INF/level-mutex/postgres";

	private static final Pattern SCHEMA_FILE = Pattern.compile("schema-v(\\d+)\\.sql");

	private static final String PREFIX = "level_mutex_";

	private final String schemaFile;

	private final String table;

	private final int keyspaceId;

	private EngineTable(String schemaFile, String table, int keyspaceId) {
		this.schemaFile = schemaFile;
		this.table = table;
		this.keyspaceId = keyspaceId;
	}

	/**
	 * Installs the newest schema on an empty database and creates one keyspace.
	 * @param dataSource the database
	 * @return the table
	 * @throws Exception if the schema cannot be found or installed, or its entry table is not understood
	 */
	static EngineTable create(DataSource dataSource) throws Exception {
		String file = newestSchemaFile();
		String sql;
		try (InputStream in = PostgresStore.class.getClassLoader().getResourceAsStream(RESOURCES + "/" + file)) {
			if (in == null) {
				throw new IOException("Schema file " + file + " listed but not readable");
			}
			sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
			Map<String, Boolean> columns = columns(connection, PREFIX + "entry");
			for (String required : List.of("keyspace_id", "key", "value", "seq")) {
				if (!columns.containsKey(required)) {
					throw new IllegalStateException(file + ": entry table " + PREFIX + "entry has columns " + columns.keySet()
							+ ", not " + required);
				}
			}
			for (Map.Entry<String, Boolean> column : columns.entrySet()) {
				if (column.getValue() && !List.of("keyspace_id", "key", "value", "seq").contains(column.getKey())) {
					throw new IllegalStateException(file + ": entry table " + PREFIX + "entry needs column "
							+ column.getKey() + ", which this limit does not fill");
				}
			}
			try (ResultSet result = statement
				.executeQuery("INSERT INTO " + PREFIX + "keyspace (name) VALUES ('bench') RETURNING id")) {
				result.next();
				return new EngineTable(file, PREFIX + "entry", result.getInt(1));
			}
		}
	}

	/** @return the schema file's name */
	String schemaFile() {
		return this.schemaFile;
	}

	/** @return the upsert of one batch: parameters keys, values (bytea arrays) and the batch's sequence */
	String upsert() {
		return "INSERT INTO " + this.table + " (keyspace_id, key, value, seq) SELECT " + this.keyspaceId
				+ ", u.k, u.v, p.s FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v), (SELECT ?::bigint) AS p(s)"
				+ " ON CONFLICT (keyspace_id, key)"
				+ " DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq";
	}

	/**
	 * Writes every key of the workload at revision 0, sequence 0.
	 * @param dataSource the database
	 * @param workload the workload
	 * @throws SQLException if the server refuses
	 */
	void preload(DataSource dataSource, Workload workload) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			KvTable.bulkInsert(connection, "INSERT INTO " + this.table + " (keyspace_id, key, value, seq) SELECT "
					+ this.keyspaceId + ", u.k, u.v, 0 FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v)", workload);
			try (Statement statement = connection.createStatement()) {
				statement.execute("VACUUM ANALYZE " + this.table);
			}
		}
	}

	byte @Nullable [] read(Connection connection, byte[] key) throws SQLException {
		try (PreparedStatement select = connection
			.prepareStatement("SELECT value FROM " + this.table + " WHERE keyspace_id = " + this.keyspaceId + " AND key = ?")) {
			select.setBytes(1, key);
			try (ResultSet result = select.executeQuery()) {
				return result.next() ? result.getBytes(1) : null;
			}
		}
	}

	/** Column name to whether it must be given (not null, no default). */
	private static Map<String, Boolean> columns(Connection connection, String table) throws SQLException {
		Map<String, Boolean> columns = new LinkedHashMap<>();
		try (PreparedStatement select = connection.prepareStatement("SELECT column_name, is_nullable = 'NO'"
				+ " AND column_default IS NULL AND is_identity = 'NO' AND is_generated = 'NEVER'"
				+ " FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position")) {
			select.setString(1, table);
			try (ResultSet result = select.executeQuery()) {
				while (result.next()) {
					columns.put(result.getString(1), result.getBoolean(2));
				}
			}
		}
		if (columns.isEmpty()) {
			throw new IllegalStateException("The schema created no table " + table);
		}
		return columns;
	}

	/**
	 * The newest {@code schema-vN.sql} among the PostgreSQL module's resources.
	 * @return its file name
	 * @throws IOException if the resources cannot be listed or hold none
	 */
	static String newestSchemaFile() throws IOException {
		List<String> names = new ArrayList<>();
		Path location;
		try {
			location = Path.of(PostgresStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IOException("Cannot locate the PostgreSQL module's classes", ex);
		}
		if (Files.isDirectory(location)) {
			list(location.resolve(RESOURCES), names);
		}
		else {
			try (FileSystem jar = FileSystems.newFileSystem(location)) {
				list(jar.getPath(RESOURCES), names);
			}
		}
		String newest = null;
		int newestVersion = -1;
		for (String name : names) {
			Matcher matcher = SCHEMA_FILE.matcher(name);
			if (matcher.matches() && Integer.parseInt(matcher.group(1)) > newestVersion) {
				newestVersion = Integer.parseInt(matcher.group(1));
				newest = name;
			}
		}
		if (newest == null) {
			throw new IOException("No schema-vN.sql in " + location + "!/" + RESOURCES + " (found " + names + ")");
		}
		return newest;
	}

	private static void list(Path directory, List<String> names) throws IOException {
		if (!Files.isDirectory(directory)) {
			return;
		}
		try (Stream<Path> files = Files.list(directory)) {
			files.forEach((file) -> names.add(file.getFileName().toString()));
		}
	}

}
