package io.levelmutex.benchmarks.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import org.jspecify.annotations.Nullable;

/**
 * L1, PostgreSQL's own batch limit (issue 19): each of C connections commits prebuilt multi-row upserts of
 * {@link PgPlan#LIMIT_BATCH} distinct keys, {@code INSERT ... SELECT FROM unnest(?::bytea[], ?::bytea[]) ON
 * CONFLICT DO UPDATE}, one autocommit transaction each, keys sorted within a batch (in key order: index order
 * is key order, zero-padded). The batches (and their JDBC arrays) are built from the
 * clients' streams before timing; only the statement is timed. Either on the plain key-value table
 * ({@link KvTable}) or on the engine's own entry table, created from its schema file ({@link EngineTable}). Its
 * throughput is rows per second, its latency that of one statement.
 */
final class LimitContender implements Contender.Blocking {

	/** The contender's name in results, on the key-value table. */
	static final String NAME = "L1 prebuilt 256-row upserts (kv)";

	/** The contender's name in results, on the engine's entry table. */
	static final String NAME_ENGINE_TABLE = "L1 prebuilt 256-row upserts (engine table)";

	/** Rows prebuilt in all (the batches cycle through them). */
	private static final int PREBUILT_ROWS = 65_536;

	private final String name;

	private final FreshDatabase database;

	private final HikariDataSource pool;

	private final @Nullable EngineTable engineTable;

	private final String upsert;

	// Prebuilt before the run; read by every client thread.
	private final List<Array[]> batches = new ArrayList<>();

	private final int batchSize;

	// Next batch to write, next sequence of the engine table; shared by the client threads, atomic.
	private final AtomicLong next = new AtomicLong();

	LimitContender(PgServer server, Workload workload, int clients, boolean engineShape, boolean preload)
			throws Exception {
		if (workload.kind() != Workload.Kind.BLIND_WRITE) {
			throw new IllegalArgumentException("The limit writes blind (W1) only");
		}
		this.name = engineShape ? NAME_ENGINE_TABLE : NAME;
		this.database = server.freshDatabase(engineShape ? "limit_engine" : "limit_kv");
		try {
			this.pool = this.database.pool(this.name, clients);
			if (engineShape) {
				this.engineTable = EngineTable.create(this.pool);
				this.upsert = this.engineTable.upsert();
				if (preload) {
					this.engineTable.preload(this.pool, workload);
				}
			}
			else {
				this.engineTable = null;
				this.upsert = KvTable.UNNEST_UPSERT;
				KvTable.create(this.pool, workload, preload);
			}
			this.batchSize = Math.min(PgPlan.LIMIT_BATCH, workload.keyCount());
			prebuild(workload, clients);
		}
		catch (Exception | Error ex) {
			this.database.close();
			throw ex;
		}
	}

	/** Batches of distinct keys drawn from the clients' streams in turn, as the mutex's batches would hold them. */
	private void prebuild(Workload workload, int clients) throws SQLException {
		List<Workload.Stream> streams = new ArrayList<>();
		for (int i = 0; i < Math.max(clients, 256); i++) {
			streams.add(workload.stream(i));
		}
		try (Connection connection = this.pool.getConnection()) {
			int count = Math.max(1, PREBUILT_ROWS / this.batchSize);
			int client = 0;
			for (int b = 0; b < count; b++) {
				// Distinct keys, sorted: connections writing at once take the rows' locks in one order (no deadlock).
				TreeMap<Integer, byte[]> rows = new TreeMap<>();
				while (rows.size() < this.batchSize) {
					Workload.Stream stream = streams.get(client++ % streams.size()).next();
					rows.putIfAbsent(stream.keyIndex(), stream.value());
				}
				byte[][] keys = new byte[this.batchSize][];
				byte[][] values = new byte[this.batchSize][];
				int filled = 0;
				for (Map.Entry<Integer, byte[]> row : rows.entrySet()) {
					keys[filled] = workload.keyAt(row.getKey());
					values[filled] = row.getValue();
					filled++;
				}
				this.batches.add(new Array[] { connection.createArrayOf("bytea", keys),
						connection.createArrayOf("bytea", values) });
			}
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int execute(Workload.Stream stream, Tally tally) throws SQLException {
		long number = this.next.getAndIncrement();
		Array[] batch = this.batches.get((int) (number % this.batches.size()));
		try (Connection connection = this.pool.getConnection();
				PreparedStatement statement = connection.prepareStatement(this.upsert)) {
			statement.setArray(1, batch[0]);
			statement.setArray(2, batch[1]);
			if (this.engineTable != null) {
				statement.setLong(3, number + 1);
			}
			statement.executeUpdate();
		}
		tally.successes(this.batchSize);
		return this.batchSize;
	}

	/** @return the rows of each statement */
	int batchSize() {
		return this.batchSize;
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			return (this.engineTable != null) ? this.engineTable.read(connection, key)
					: KvTable.read(connection, KvTable.SELECT, key);
		}
	}

	@Override
	public void close() {
		this.database.close();
	}

}
