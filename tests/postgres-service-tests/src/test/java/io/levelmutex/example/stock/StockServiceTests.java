package io.levelmutex.example.stock;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The stock service as its users run it, on a private PostgreSQL server: it starts on an empty database (Flyway
 * migrates, then the store opens) with either {@code initialize-schema}; two instances on one database never
 * oversell; a misconfiguration fails startup with an analysis naming the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class StockServiceTests {

	/** The engine's schema file, which db/migration/V1__level_mutex.sql is a copy of. */
	/** The engine's current schema file: what a failure to find the schema names. */
	static final String ENGINE_SCHEMA = "META-INF/level-mutex/postgres/schema-v3.sql";

	/** The engine's schema file this service first shipped with, as its first migration. */
	static final String ENGINE_SCHEMA_V2 = "META-INF/level-mutex/postgres/schema-v2.sql";

	/** The engine's upgrade to the current version, as the service's second migration. */
	static final String ENGINE_UPGRADE_V3 = "META-INF/level-mutex/postgres/upgrade-v2-to-v3.sql";

	private static final AtomicInteger databases = new AtomicInteger();

	private static PostgresCluster cluster;

	@BeforeAll
	static void startServer() {
		cluster = PostgresCluster.start();
	}

	@AfterAll
	static void stopServer() {
		cluster.close();
	}

	@Test
	void theServiceCarriesNoRocksDB() {
		assertThat(ClassUtils.isPresent("org.rocksdb.RocksDB", getClass().getClassLoader()))
			.as("rocksdbjni on the class path of a service built on level-mutex-spring-boot-starter-postgres")
			.isFalse();
		assertThat(ClassUtils.isPresent("io.levelmutex.rocksdb.RocksStore", getClass().getClassLoader())).isFalse();
	}

	@Test
	void theMigrationsAreTheEnginesSchemaFileAndItsUpgrade() throws IOException {
		assertThat(resource("db/migration/V1__level_mutex.sql")).isEqualTo(resource(ENGINE_SCHEMA_V2));
		assertThat(resource("db/migration/V2__level_mutex_joined_commits.sql")).isEqualTo(resource(ENGINE_UPGRADE_V3));
	}

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void startsOnAnEmptyDatabase(String initializeSchema) throws SQLException {
		String database = newDatabase();
		try (StockInstance instance = StockInstance.start(cluster, database,
				"level-mutex.postgres.initialize-schema=" + initializeSchema)) {
			assertThat(instance.put("/stock/sku-1?quantity=5").statusCode()).isEqualTo(200);
			HttpResponse<String> reserved = instance.post("/stock/sku-1/reservations?quantity=2");
			assertThat(reserved.statusCode()).isEqualTo(200);
			assertThat(reserved.body()).contains("\"available\":3");
			assertThat(instance.get("/actuator/health").body()).contains("\"status\":\"UP\"",
					"\"joinedCommitsEnabled\":true");
		}
		assertThat(count(database,
				"SELECT count(*) FROM flyway_schema_history WHERE success AND version IN ('1', '2')"))
			.isEqualTo(2);
	}

	/**
	 * A database the service's earlier release migrated (only V1: the engine's schema version 2) serves as it is,
	 * each batch committed on its own; the next release's V2 migration upgrades it in place, keeping the data, and
	 * the store then joins commits.
	 */
	@Test
	void anEarlierReleasesDatabaseServesAndTheNextMigrationUpgradesIt() throws SQLException {
		String database = newDatabase();
		try (StockInstance earlier = StockInstance.start(cluster, database, "spring.flyway.target=1")) {
			assertThat(earlier.put("/stock/sku-1?quantity=5").statusCode()).isEqualTo(200);
			assertThat(earlier.post("/stock/sku-1/reservations?quantity=2").body()).contains("\"available\":3");
			assertThat(earlier.get("/actuator/health").body()).contains("\"status\":\"UP\"",
					"\"joinedCommitsEnabled\":false");
		}
		try (StockInstance next = StockInstance.start(cluster, database)) {
			assertThat(next.get("/stock/sku-1").body()).contains("\"available\":3");
			assertThat(next.post("/stock/sku-1/reservations?quantity=3").body()).contains("\"available\":0");
			assertThat(next.get("/actuator/health").body()).contains("\"status\":\"UP\"",
					"\"joinedCommitsEnabled\":true");
		}
		assertThat(count(database, "SELECT count(*) FROM flyway_schema_history WHERE success AND version = '2'"))
			.isEqualTo(1);
	}

	@Test
	void twoInstancesOnOneDatabaseNeverOversell() throws Exception {
		String database = newDatabase();
		int stock = 1_000;
		int requests = 1_200;
		try (StockInstance a = StockInstance.start(cluster, database);
				StockInstance b = StockInstance.start(cluster, database)) {
			assertThat(a.put("/stock/widget?quantity=" + stock).statusCode()).isEqualTo(200);
			ExecutorService clients = Executors.newFixedThreadPool(16);
			List<Future<Integer>> statuses = new ArrayList<>();
			try {
				for (int i = 0; i < requests; i++) {
					StockInstance instance = (i % 2 == 0) ? a : b;
					statuses.add(clients.submit(() -> instance.post("/stock/widget/reservations").statusCode()));
				}
				int reserved = 0;
				int refused = 0;
				for (Future<Integer> status : statuses) {
					switch (status.get()) {
						case 200 -> reserved++;
						case 409 -> refused++;
						default -> throw new AssertionError("Unexpected status " + status.get());
					}
				}
				assertThat(reserved).isEqualTo(stock);
				assertThat(refused).isEqualTo(requests - stock);
			}
			finally {
				clients.shutdownNow();
			}
			assertThat(a.get("/stock/widget").body()).contains("\"available\":0");
			assertThat(b.get("/stock/widget").body()).contains("\"available\":0");
		}
	}

	@Test
	void whenTheSchemaIsNotMigratedThenStartupFailsNamingTheSchemaFileAndTheSetting(CapturedOutput output)
			throws SQLException {
		String database = newDatabase();
		assertThatException().isThrownBy(() -> StockInstance.start(cluster, database, "spring.flyway.enabled=false"));
		assertThat(output).contains("APPLICATION FAILED TO START", "no level-mutex schema", ENGINE_SCHEMA,
				"level-mutex.postgres.initialize-schema");
	}

	@Test
	void whenTheStoresUrlHasATypoThenStartupFailsNamingTheProperty(CapturedOutput output) throws SQLException {
		String database = newDatabase();
		String typo = cluster.jdbcUrl(database).replace("jdbc:postgresql:", "jdbc:postgres:");
		assertThatException()
			.isThrownBy(() -> StockInstance.start(cluster, database, "level-mutex.postgres.url=" + typo));
		assertThat(output).contains("APPLICATION FAILED TO START", "level-mutex.postgres.url", "jdbc:postgresql://");
	}

	@Test
	void whenSynchronousCommitIsOffThenStartupFailsNamingTheSetting(CapturedOutput output) throws SQLException {
		String database = newDatabase();
		execute(database, "ALTER DATABASE " + database + " SET synchronous_commit = off");
		assertThatException().isThrownBy(() -> StockInstance.start(cluster, database));
		assertThat(output).contains("APPLICATION FAILED TO START", "synchronous_commit",
				"RESET synchronous_commit");
	}

	private static String newDatabase() throws SQLException {
		String name = "stock_" + databases.incrementAndGet();
		cluster.createDatabase(name);
		return name;
	}

	private static long count(String database, String sql) throws SQLException {
		try (Connection connection = cluster.connect(database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private static void execute(String database, String sql) throws SQLException {
		try (Connection connection = cluster.connect(database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String resource(String name) throws IOException {
		try (InputStream in = StockServiceTests.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
