package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.Lock;

import io.levelmutex.benchmarks.Workload;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Contender (c): Spring Integration's {@link JdbcLockRegistry} on a {@link DefaultLockRepository} (its
 * {@code INT_LOCK} table created from the schema script spring-integration-jdbc ships for PostgreSQL), at
 * its defaults: per operation, {@code lock}, autocommit read, autocommit write, {@code unlock}. One registry
 * (one node): it serialises the holders of a key in this JVM with a local lock first, then takes the
 * database lock (a row of {@code INT_LOCK}, inserted or taken over in its own transaction) and deletes it on
 * unlock: three commits per operation.
 */
final class JdbcLockRegistryContender extends SqlContender {

	/** The contender's name in results. */
	static final String NAME = "(c) JdbcLockRegistry";

	private static final String SCHEMA = "org/springframework/integration/jdbc/schema-postgresql.sql";

	private final DefaultLockRepository repository;

	private final JdbcLockRegistry registry;

	JdbcLockRegistryContender(PgServer server, Workload workload, int clients, boolean preload) throws SQLException, IOException {
		super(NAME, server, workload, clients, preload);
		try {
			createLockTable();
			this.repository = new DefaultLockRepository(this.pool);
			this.repository.setTransactionManager(new DataSourceTransactionManager(this.pool));
			this.repository.afterPropertiesSet();
			this.repository.afterSingletonsInstantiated();
			this.repository.start();
			this.registry = new JdbcLockRegistry(this.repository);
		}
		catch (SQLException | IOException | RuntimeException ex) {
			super.close();
			throw ex;
		}
	}

	/** Runs the shipped PostgreSQL schema script's {@code INT_LOCK} statement. */
	private void createLockTable() throws SQLException, IOException {
		String script;
		try (InputStream in = JdbcLockRegistry.class.getClassLoader().getResourceAsStream(SCHEMA)) {
			if (in == null) {
				throw new IllegalStateException(SCHEMA + " is not on the class path");
			}
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String lockTable = null;
		for (String statement : script.split(";")) {
			if (statement.contains("CREATE TABLE INT_LOCK")) {
				lockTable = statement.substring(statement.indexOf("CREATE TABLE INT_LOCK"));
			}
		}
		if (lockTable == null) {
			throw new IllegalStateException(SCHEMA + " has no CREATE TABLE INT_LOCK");
		}
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(lockTable);
		}
	}

	@Override
	void execute(boolean update, byte[] key, byte[] value) throws SQLException, InterruptedException {
		Lock lock = this.registry.obtain(new String(key, StandardCharsets.US_ASCII));
		lock.lockInterruptibly();
		try {
			byte[] current;
			try (Connection connection = this.pool.getConnection()) {
				current = KvTable.read(connection, KvTable.SELECT, key);
			}
			try (Connection connection = this.pool.getConnection()) {
				KvTable.upsert(connection, key, update ? KvTable.nextRevision(current, value) : value);
			}
		}
		finally {
			lock.unlock();
		}
	}

	@Override
	void closeClient() {
		this.repository.close();
	}

}
