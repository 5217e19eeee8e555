package io.levelmutex.postgres;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.Keyspace;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.contract.AbstractStorageEngineContractTest;

/**
 * The storage-engine contract on PostgreSQL: fresh tables per test on the shared private cluster, another node
 * (a second engine on the same database) as the other writer that updates are validated against, and a failed
 * statement at commit as the injected failure. PostgreSQL keeps each keyspace apart by its name: a whole column
 * family's keyspace does not contain the narrower ones, and sequences are kept with the data. What only this
 * engine does (remote changes, hashed keyspace names, health, its limits) is in {@link PostgresEngineTest}.
 */
class PostgresEngineContractTest extends AbstractStorageEngineContractTest {

	/** The cluster fixture; a class of its own cannot extend both it and the suite. */
	private final ClusterTestSupport cluster = new ClusterTestSupport() {
	};

	/** Whether the next commit's COMMIT step fails; set by the JUnit thread, read by the committing thread. */
	private final AtomicBoolean failCommit = new AtomicBoolean();

	/** The other nodes opened by the test, closed after it; JUnit thread. */
	private final List<PostgresEngine> otherNodes = new ArrayList<>();

	private PGSimpleDataSource database;

	@BeforeAll
	static void startSharedCluster(TestInfo info) {
		ClusterTestSupport.startCluster(info);
	}

	@AfterAll
	static void releaseSharedCluster() {
		ClusterTestSupport.stopCluster();
	}

	@BeforeEach
	void freshTables() throws SQLException {
		this.cluster.nextPrefix();
		this.database = ClusterTestSupport.newDatabase();
	}

	@Override
	protected StorageEngine openEngine() {
		return PostgresEngine.open(this.database, ClusterTestSupport.fastSettings(), true, (connection, call) -> {
			if (this.failCommit.getAndSet(false)) {
				throw new SQLException("injected failure of the commit statement", "XX000");
			}
			return call.executeQuery();
		});
	}

	@Override
	protected void failNextCommit() {
		this.failCommit.set(true);
	}

	@Override
	protected Optional<KeyspaceStorage> openOtherWriter(Keyspace keyspace) {
		PostgresEngine other = PostgresEngine.open(this.database, ClusterTestSupport.fastSettings(), true);
		this.otherNodes.add(other);
		return Optional.of(other.open(keyspace, false, (from, to) -> {
		}));
	}

	@Override
	protected void engineClosed() {
		this.otherNodes.forEach(PostgresEngine::close);
		this.otherNodes.clear();
	}

}
