package io.levelmutex.example.stock;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stock service with its schema owned by Liquibase, or by Spring Boot's {@code spring.sql.init}, instead of
 * Flyway, on an empty database of a real private server, with both {@code initialize-schema} settings: with
 * {@code never} the initializer runs the engine's {@code schema-v3.sql} as README says, with {@code always} it
 * creates only the service's own table and the store creates its tables after it. Either way the service starts
 * and reserves stock, and the initializer ran.
 */
class StockServiceInitializerTests {

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

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void liquibaseOnAnEmptyDatabase(String initializeSchema) throws SQLException {
		String database = cluster.createDatabase("liquibase_" + databases.incrementAndGet()).replaceAll(".*/", "");
		try (StockInstance instance = StockInstance.start(cluster, database, "spring.flyway.enabled=false",
				"spring.liquibase.enabled=true",
				"spring.liquibase.change-log=classpath:liquibase/changelog-" + initializeSchema + ".yaml",
				"level-mutex.postgres.initialize-schema=" + initializeSchema)) {
			assertServes(instance);
		}
		assertThat(strings(database, "SELECT id FROM databasechangelog ORDER BY orderexecuted"))
			.isEqualTo("never".equals(initializeSchema) ? List.of("stock-audit", "level-mutex-schema-v2", "level-mutex-schema-v3")
					: List.of("stock-audit"));
		assertThat(strings(database, "SELECT to_regclass('flyway_schema_history')::text")).containsOnlyNulls();
	}

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void sqlInitOnAnEmptyDatabase(String initializeSchema) throws SQLException {
		String database = cluster.createDatabase("sqlinit_" + databases.incrementAndGet()).replaceAll(".*/", "");
		String locations = "classpath:sql-init/app-schema.sql"
				+ ("never".equals(initializeSchema) ? ",classpath:META-INF/level-mutex/postgres/schema-v3.sql" : "");
		try (StockInstance instance = StockInstance.start(cluster, database, "spring.flyway.enabled=false",
				"spring.sql.init.mode=always", "spring.sql.init.schema-locations=" + locations,
				// The engine's function body holds semicolons: each script runs as one statement.
				"spring.sql.init.separator=^^^ END OF SCRIPT ^^^",
				"level-mutex.postgres.initialize-schema=" + initializeSchema)) {
			assertServes(instance);
		}
		assertThat(strings(database, "SELECT count(*)::text FROM stock_audit")).containsExactly("0");
		assertThat(strings(database, "SELECT to_regclass('flyway_schema_history')::text")).containsOnlyNulls();
	}

	private static void assertServes(StockInstance instance) {
		assertThat(instance.put("/stock/sku-1?quantity=5").statusCode()).isEqualTo(200);
		HttpResponse<String> reserved = instance.post("/stock/sku-1/reservations?quantity=2");
		assertThat(reserved.statusCode()).isEqualTo(200);
		assertThat(reserved.body()).contains("\"available\":3");
		assertThat(instance.get("/actuator/health").body()).contains("\"status\":\"UP\"");
	}

	private static List<String> strings(String database, String query) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Connection connection = cluster.connect(database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(query)) {
			while (rows.next()) {
				values.add(rows.getString(1));
			}
		}
		return values;
	}

}
