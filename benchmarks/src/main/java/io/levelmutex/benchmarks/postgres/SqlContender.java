package io.levelmutex.benchmarks.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import org.jspecify.annotations.Nullable;

/**
 * What the SQL contenders share: a fresh database with the {@link KvTable} (every key at revision 0 when
 * preloaded), a HikariCP pool of
 * {@link #poolSize(int)} connections, C client threads blocking on each operation, verification by plain
 * reads.
 */
abstract class SqlContender implements Contender.Blocking {

	/** The most connections a SQL contender's pool opens, whatever C (the server allows 200). */
	static final int MAX_POOL = 64;

	private final String name;

	private final FreshDatabase database;

	final HikariDataSource pool;

	SqlContender(String name, PgServer server, Workload workload, int clients, boolean preload) throws SQLException {
		this.name = name;
		this.database = server.freshDatabase(name);
		try {
			this.pool = this.database.pool(name, poolSize(clients));
			KvTable.create(this.pool, workload, preload);
		}
		catch (SQLException | RuntimeException ex) {
			this.database.close();
			throw ex;
		}
	}

	/**
	 * The pool's size for C clients: one connection per client up to {@link #MAX_POOL} (pgbench's
	 * per-operation upserts plateau from 16 to 64 clients on this server; more connections only queue).
	 * @param clients C
	 * @return the connections
	 */
	static int poolSize(int clients) {
		return Math.min(clients, MAX_POOL);
	}

	@Override
	public final String name() {
		return this.name;
	}

	@Override
	public final int execute(Workload.Stream stream, Tally tally) throws Exception {
		stream.next();
		if (stream.type() == Workload.OpType.GET) {
			throw new IllegalArgumentException(this.name + " runs W1 and W2 only");
		}
		execute(stream.type() == Workload.OpType.UPDATE, stream.key(), stream.value());
		tally.success();
		return 1;
	}

	/**
	 * Executes one operation; returns normally once it has committed.
	 * @param update W2 (read the revision, write the next one) rather than W1 (write the value)
	 * @param key the key
	 * @param value W1: the value; W2: the filler of the next revision
	 * @throws Exception if it fails (counted as a failure)
	 */
	abstract void execute(boolean update, byte[] key, byte[] value) throws Exception;

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			return KvTable.read(connection, KvTable.SELECT, key);
		}
	}

	@Override
	public void close() {
		closeClient();
		this.database.close();
	}

	/** Releases what a subclass holds besides the pool, before the database is dropped. */
	void closeClient() {
	}

}
