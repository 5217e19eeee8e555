package io.levelmutex.benchmarks.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;

/**
 * The one-write commit statement before and after helper pgc1 (session 14), against the autocommit single-row
 * upsert, in ONE JVM on one private server: the statement texts are copied here (main's and pgc1's forms of
 * {@code PostgresSql.commitPut}, the blind put, and {@code PostgresSql.commitOneWrite}, here as an update that
 * read and wrote its key), so the A/B runs from any later jar. Points, alternated in rotated order every round,
 * each on a fresh database (the engine's schema, one keyspace of 1,000 preloaded keys; {@code kv} for the upsert)
 * and ONE autocommit connection, pgjdbc's default prepareThreshold (server-prepared from the 5th execution; the
 * warm-up runs past it): {@code upsert}; {@code put-main} / {@code put} (the blind put: main's statement on main's
 * batch log, batch_id its primary key and a unique index on (keyspace_id, seq) / pgc1's statement on pgc1's batch
 * log, (keyspace_id, seq) its primary key and only index; whatever the jar's schema, each point sets its batch log
 * so); {@code put-2idx} (pgc1's statement on main's batch log: the statement's share alone); {@code update-main} /
 * {@code update} (the one-write update statement, main's / pgc1's, each on its batch log; snapshot the sequence of
 * the previous commit, read key = written key). Per op: client latency of the statement (p50,
 * mean), server execution time ({@code pg_stat_statements}), the backend's CPU ({@code /proc/PID/schedstat}, its
 * run time: the probe runs as the server's host user or root), WAL records and bytes of the window by record type
 * ({@code pg_walinspect}, the server's own WAL between two insert positions; cluster-wide, so background records
 * count too). Usage: {@code OneWriteStatementProbe [rounds] [ops] [points,...]}. Owned by the main thread.
 */
public final class OneWriteStatementProbe {

	private static final int KEYS = 1000;

	private static final int VALUE_BYTES = 100;

	private static final String UPSERT = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";

	/** main's PostgresSql.commitPut (session 13), default prefix. */
	static final String PUT_MAIN = """
			WITH p AS NOT MATERIALIZED (
			    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value
			), free AS MATERIALIZED (
			    SELECT k.id FROM p, level_mutex_keyspace k WHERE k.id = p.ks FOR UPDATE OF k SKIP LOCKED
			), k AS (
			    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM free WHERE k.id = free.id
			    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
			), put AS (
			    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
			    SELECT p.ks, p.key, p.value, k.seq FROM p, k
			    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
			), logged AS (
			    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
			        rejected_reason, rejected_key)
			    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
			)
			SELECT k.seq, NULL::bigint, NULL::text FROM (SELECT) AS one LEFT JOIN k ON true""";

	/** pgc1's PostgresSql.commitPut: the entry UPDATE, then the INSERT only when no entry was updated. */
	static final String PUT_PGC1 = """
			WITH p AS NOT MATERIALIZED (
			    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value
			), free AS MATERIALIZED (
			    SELECT k.id FROM p, level_mutex_keyspace k WHERE k.id = p.ks FOR UPDATE OF k SKIP LOCKED
			), k AS (
			    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM free WHERE k.id = free.id
			    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
			), upd AS (
			    UPDATE level_mutex_entry e SET value = p.value, seq = k.seq FROM p, k WHERE e.keyspace_id = p.ks AND e.key = p.key
			    RETURNING e.seq
			), put AS (
			    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
			    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE NOT EXISTS (SELECT FROM upd)
			    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
			), logged AS (
			    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
			        rejected_reason, rejected_key)
			    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
			)
			SELECT k.seq, NULL::bigint, NULL::text FROM (SELECT) AS one LEFT JOIN k ON true""";

	/** main's PostgresSql.commitOneWrite (session 13), default prefix. */
	static final String ONE_MAIN = """
			WITH p AS NOT MATERIALIZED (
			    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value,
			        ?::bigint AS snap, ?::bytea AS read
			), s AS MATERIALIZED (
			    SELECT k.seq AS current, k.horizon FROM p, level_mutex_keyspace k WHERE k.id = p.ks
			), r AS MATERIALIZED (
			    SELECT CASE
			        WHEN p.snap IS NULL THEN NULL
			        WHEN p.snap > s.current THEN 'FUTURE_SNAPSHOT'
			        WHEN p.snap < s.horizon THEN 'SNAPSHOT_TOO_OLD'
			        WHEN EXISTS (SELECT FROM level_mutex_entry e
			            WHERE e.keyspace_id = p.ks AND e.key = p.read AND e.seq > p.snap) THEN 'KEY_READ'
			        WHEN EXISTS (SELECT FROM level_mutex_entry e
			            WHERE e.keyspace_id = p.ks AND e.key = p.key AND e.seq > p.snap) THEN 'KEY_WRITTEN'
			        END AS reason
			    FROM p, s
			), free AS MATERIALIZED (
			    SELECT k.id FROM p, r, level_mutex_keyspace k WHERE k.id = p.ks AND r.reason IS NULL FOR UPDATE OF k SKIP LOCKED
			), k AS (
			    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p, s, free
			    WHERE k.id = free.id AND (k.seq = s.current OR (p.value IS NOT NULL AND p.snap IS NULL))
			    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
			), put AS (
			    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
			    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL
			    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
			), del AS (
			    UPDATE level_mutex_entry e SET value = NULL, seq = k.seq FROM p, k
			    WHERE p.value IS NULL AND e.keyspace_id = p.ks AND e.key = p.key AND e.value IS NOT NULL
			    RETURNING e.keyspace_id, e.seq, e.key
			), tombstone AS (
			    INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT d.keyspace_id, d.seq, d.key FROM del d
			), logged AS (
			    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
			        rejected_reason, rejected_key)
			    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
			)
			SELECT k.seq, s.current, r.reason FROM s CROSS JOIN r LEFT JOIN k ON true""";

	/** pgc1's PostgresSql.commitOneWrite. */
	static final String ONE_PGC1 = """
			WITH p AS NOT MATERIALIZED (
			    SELECT ?::int AS ks, ?::uuid AS batch, ?::uuid AS node, ?::bytea AS key, ?::bytea AS value,
			        ?::bigint AS snap, ?::bytea AS read
			), s AS MATERIALIZED (
			    SELECT k.seq AS current, k.horizon FROM p, level_mutex_keyspace k WHERE k.id = p.ks
			), r AS MATERIALIZED (
			    SELECT CASE
			        WHEN p.snap IS NULL THEN NULL
			        WHEN p.snap > s.current THEN 'FUTURE_SNAPSHOT'
			        WHEN p.snap < s.horizon THEN 'SNAPSHOT_TOO_OLD'
			        WHEN EXISTS (SELECT FROM level_mutex_entry e
			            WHERE e.keyspace_id = p.ks AND e.key = p.read AND e.seq > p.snap) THEN 'KEY_READ'
			        WHEN p.read IS DISTINCT FROM p.key AND EXISTS (SELECT FROM level_mutex_entry e
			            WHERE e.keyspace_id = p.ks AND e.key = p.key AND e.seq > p.snap) THEN 'KEY_WRITTEN'
			        END AS reason
			    FROM p, s
			), free AS MATERIALIZED (
			    SELECT k.id FROM p, r, level_mutex_keyspace k WHERE k.id = p.ks AND r.reason IS NULL FOR UPDATE OF k SKIP LOCKED
			), k AS (
			    UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p, s, free
			    WHERE k.id = free.id AND (k.seq = s.current OR (p.value IS NOT NULL AND p.snap IS NULL))
			    RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable
			), upd AS (
			    UPDATE level_mutex_entry e SET value = p.value, seq = k.seq FROM p, k
			    WHERE p.value IS NOT NULL AND e.keyspace_id = p.ks AND e.key = p.key
			    RETURNING e.seq
			), put AS (
			    INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq)
			    SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL AND NOT EXISTS (SELECT FROM upd)
			    ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq
			), del AS (
			    UPDATE level_mutex_entry e SET value = NULL, seq = k.seq FROM p, k
			    WHERE p.value IS NULL AND e.keyspace_id = p.ks AND e.key = p.key AND e.value IS NOT NULL
			    RETURNING e.keyspace_id, e.seq, e.key
			), tombstone AS (
			    INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT d.keyspace_id, d.seq, d.key FROM del d
			), logged AS (
			    INSERT INTO level_mutex_batch (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit,
			        rejected_reason, rejected_key)
			    SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k
			)
			SELECT k.seq, s.current, r.reason FROM s CROSS JOIN r LEFT JOIN k ON true""";

	private static final List<String> ALL = List.of("upsert", "put-main", "put", "put-2idx", "update-main", "update");

	private final PgServer server;

	private final int ops;

	private final SplittableRandom random = new SplittableRandom(19);

	private OneWriteStatementProbe(PgServer server, int ops) {
		this.server = server;
		this.ops = ops;
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int ops = (args.length > 1) ? Integer.parseInt(args[1]) : 3000;
		List<String> points = (args.length > 2) ? List.of(args[2].split(",")) : ALL;
		try (PgServer server = PgServer.start()) {
			server.enableStatementStatistics();
			System.out.println("# " + server.describe());
			System.out.println("# loadavg at start: " + C1LatencyProbe.loadavg());
			OneWriteStatementProbe probe = new OneWriteStatementProbe(server, ops);
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < points.size(); i++) {
					String point = points.get((i + round) % points.size());
					System.out.print("round " + (round + 1) + " " + probe.run(point));
				}
			}
			System.out.println("# loadavg at end: " + C1LatencyProbe.loadavg());
		}
	}

	private String run(String point) throws Exception {
		try (FreshDatabase database = this.server.freshDatabase("ow_" + point)) {
			int keyspace = prepare(point, database);
			try (Connection connection = this.server.connect(database.name())) {
				connection.setAutoCommit(true);
				long pid;
				try (Statement statement = connection.createStatement();
						ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
					rows.next();
					pid = rows.getLong(1);
				}
				Op op = op(point, connection, keyspace);
				int warm = Math.max(200, this.ops / 5);
				for (int i = 0; i < warm; i++) {
					op.run();
				}
				String start;
				try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
					statement.execute("SELECT pg_stat_statements_reset()");
					start = lsn(statement);
				}
				long cpu0 = runNanos(pid);
				long[] latencies = new long[this.ops];
				long wall0 = System.nanoTime();
				for (int i = 0; i < this.ops; i++) {
					long t0 = System.nanoTime();
					op.run();
					latencies[i] = System.nanoTime() - t0;
				}
				long wall = System.nanoTime() - wall0;
				long cpu = runNanos(pid) - cpu0;
				Arrays.sort(latencies);
				StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
						"%-12s mean %7.1f us  p50 %7.1f  p90 %7.1f  backend-cpu %6.1f us/op  loadavg %s%n", point,
						wall / 1000.0 / this.ops, latencies[this.ops / 2] / 1000.0, latencies[this.ops * 9 / 10] / 1000.0,
						(cpu < 0) ? Double.NaN : cpu / 1000.0 / this.ops, C1LatencyProbe.loadavg()));
				try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
					String end = lsn(statement);
					out.append(server(statement));
					out.append(wal(statement, start, end));
				}
				return out.toString();
			}
		}
	}

	private int prepare(String point, FreshDatabase database) throws Exception {
		try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
			statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
			statement.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
			if (point.equals("upsert")) {
				statement.execute("CREATE TABLE kv (k bytea PRIMARY KEY, v bytea NOT NULL, version bigint NOT NULL DEFAULT 0)");
				statement.execute("INSERT INTO kv (k, v) SELECT int4send(i), decode(repeat('00', " + VALUE_BYTES
						+ "), 'hex') FROM generate_series(0, " + (KEYS - 1) + ") i");
				statement.execute("VACUUM ANALYZE kv");
				return 0;
			}
		}
		try (HikariDataSource setup = database.pool("ow-setup", 4)) {
			MutexStore store = PostgresStore.builder(setup).open();
			try {
				Mutex<byte[], byte[]> mutex = store.mutex(MutexOptions.builder("probe").build(), Codecs.bytes(),
						Codecs.bytes());
				List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
				for (int i = 0; i < KEYS; i++) {
					pending.add(mutex.put(keyAt(i), value()));
				}
				java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new))
					.join();
				mutex.close();
			}
			finally {
				store.close();
			}
		}
		try (Connection admin = this.server.connect(database.name()); Statement statement = admin.createStatement()) {
			if (point.endsWith("-main") || point.equals("put-2idx")) {
				// the batch log as before pgc1 (schema version 2's and session 13's version 3): batch_id the primary key
				statement.execute("""
						DO $$ BEGIN
						    IF (SELECT count(*) FROM pg_index WHERE indrelid = 'level_mutex_batch'::regclass) = 1 THEN
						        ALTER TABLE level_mutex_batch DROP CONSTRAINT level_mutex_batch_seq;
						        CREATE UNIQUE INDEX level_mutex_batch_seq ON level_mutex_batch (keyspace_id, seq);
						        ALTER TABLE level_mutex_batch ADD PRIMARY KEY (batch_id);
						    END IF;
						END $$""");
			}
			else {
				// pgc1's batch log (whatever the jar's schema): its one index the primary key (keyspace_id, seq)
				statement.execute("""
						DO $$ BEGIN
						    IF (SELECT count(*) FROM pg_index WHERE indrelid = 'level_mutex_batch'::regclass) = 2 THEN
						        ALTER TABLE level_mutex_batch DROP CONSTRAINT level_mutex_batch_pkey;
						        ALTER TABLE level_mutex_batch ADD PRIMARY KEY USING INDEX level_mutex_batch_seq;
						    END IF;
						END $$""");
			}
			statement.execute("VACUUM ANALYZE");
			try (ResultSet rows = statement.executeQuery("SELECT id FROM level_mutex_keyspace")) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	private Op op(String point, Connection connection, int keyspace) throws SQLException {
		UUID node = UUID.randomUUID();
		if (point.equals("upsert")) {
			return () -> {
				try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
					upsert.setBytes(1, key());
					upsert.setBytes(2, value());
					upsert.executeUpdate();
				}
			};
		}
		boolean update = point.startsWith("update");
		String sql = switch (point) {
			case "put-main" -> PUT_MAIN;
			case "put", "put-2idx" -> PUT_PGC1;
			case "update-main" -> ONE_MAIN;
			case "update" -> ONE_PGC1;
			default -> throw new IllegalArgumentException("unknown point " + point);
		};
		long[] last = { currentSequence(connection, keyspace) };
		return () -> {
			try (PreparedStatement commit = connection.prepareStatement(sql)) {
				byte[] key = key();
				commit.setInt(1, keyspace);
				commit.setObject(2, batchId());
				commit.setObject(3, node);
				commit.setBytes(4, key);
				commit.setBytes(5, value());
				if (update) {
					commit.setLong(6, last[0]);
					commit.setBytes(7, key);
				}
				try (ResultSet rows = commit.executeQuery()) {
					rows.next();
					long sequence = rows.getLong(1);
					if (rows.wasNull()) {
						throw new IllegalStateException(point + ": nothing applied, reason " + rows.getString(3));
					}
					last[0] = sequence;
				}
			}
		};
	}

	private static long currentSequence(Connection connection, int keyspace) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT seq FROM level_mutex_keyspace WHERE id = ?")) {
			statement.setInt(1, keyspace);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private static String lsn(Statement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
			rows.next();
			return rows.getString(1);
		}
	}

	private String server(Statement statement) throws SQLException {
		StringBuilder out = new StringBuilder();
		try (ResultSet rows = statement.executeQuery("""
				SELECT calls, total_exec_time, plans, left(regexp_replace(query, '\\s+', ' ', 'g'), 60)
				FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND query NOT LIKE '%%pg_stat%%' AND calls >= %d ORDER BY total_exec_time DESC LIMIT 2"""
			.formatted(this.ops))) {
			while (rows.next()) {
				out.append(String.format(Locale.ROOT, "    server %.2f calls/op %7.1f us/call  plans/call %.3f  %s%n",
						rows.getLong(1) / (double) this.ops, rows.getDouble(2) * 1000 / rows.getLong(1),
						rows.getLong(3) / (double) rows.getLong(1), rows.getString(4)));
			}
		}
		return out.toString();
	}

	private String wal(Statement statement, String start, String end) throws SQLException {
		StringBuilder out = new StringBuilder();
		long records = 0;
		long bytes = 0;
		long fpi = 0;
		StringBuilder types = new StringBuilder();
		try (ResultSet rows = statement.executeQuery("SELECT \"resource_manager/record_type\", count, record_size, fpi_size "
				+ "FROM pg_get_wal_stats('" + start + "', '" + end + "', true) WHERE count > 0 ORDER BY count DESC")) {
			while (rows.next()) {
				records += rows.getLong(2);
				bytes += rows.getLong(3) + rows.getLong(4);
				fpi += rows.getLong(4);
				if (rows.getLong(2) * 50 >= this.ops) { // types of at least 0.02 per op
					types.append(String.format(Locale.ROOT, " %s %.2f", rows.getString(1), rows.getLong(2) / (double) this.ops));
				}
			}
		}
		out.append(String.format(Locale.ROOT, "    WAL %.2f records/op %.0f bytes/op (fpi %.0f):%s%n", records / (double) this.ops,
				bytes / (double) this.ops, fpi / (double) this.ops, types));
		return out.toString();
	}

	/** The backend's run time so far (ns; -1 if unreadable). */
	private static long runNanos(long pid) {
		try {
			return Long.parseLong(Files.readString(Path.of("/proc/" + pid + "/schedstat")).trim().split("\\s+")[0]);
		}
		catch (Exception ex) {
			return -1;
		}
	}

	/** This probe's batch ids, time-ordered as the engine's (BatchIds: a version-7 layout, a counter, 42 node bits). */
	private UUID batchId() {
		long count = this.batches++ & 0xFFFF_FFFFL;
		long high = (System.currentTimeMillis() << 16) | 0x7000L | (count >>> 20);
		long low = 0x8000_0000_0000_0000L | ((count & 0xF_FFFFL) << 42) | 0x2A_5A5A_5A5AL;
		return new UUID(high, low);
	}

	private long batches;

	private byte[] key() {
		return keyAt(this.random.nextInt(KEYS));
	}

	private static byte[] keyAt(int i) {
		return new byte[] { (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i };
	}

	private byte[] value() {
		byte[] value = new byte[VALUE_BYTES];
		long r = this.random.nextLong();
		for (int i = 0; i < 8; i++) {
			value[i] = (byte) (r >>> (8 * i));
		}
		return value;
	}

	@FunctionalInterface
	interface Op {

		void run() throws Exception;

	}

}
