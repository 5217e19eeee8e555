package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.Mutex;
import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL store opens after the application's database initialisation (Flyway, Liquibase,
 * {@code spring.sql.init}) on an empty database, with {@code initialize-schema} {@code never} (the migrations
 * create the engine's tables from {@link PostgresSchema#RESOURCE}) and {@code always} (the migrations create only
 * the application's tables; the store creates its own after them, so Flyway does not find a non-empty schema).
 */
class LevelMutexDatabaseInitializationTests {

	private static final AtomicInteger databases = new AtomicInteger();

	private static PostgresCluster cluster;

	@TempDir
	Path directory;

	@BeforeAll
	static void startCluster() {
		cluster = PostgresCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void flywayOnAnEmptyDatabase(String initializeSchema) throws Exception {
		boolean engineTablesFromMigrations = "never".equals(initializeSchema);
		Path migrations = this.directory.resolve("resources/db/migration");
		Files.createDirectories(migrations);
		Files.writeString(migrations.resolve("V1__orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
		if (engineTablesFromMigrations) {
			Files.writeString(migrations.resolve("V2__level_mutex.sql"), schema());
		}
		String database = newDatabase();
		runner(database, initializeSchema).withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.run((context) -> {
				assertStoreWorks(context);
				assertThat(count(database, "SELECT count(*) FROM flyway_schema_history WHERE success"))
					.isEqualTo(engineTablesFromMigrations ? 2 : 1);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void liquibaseOnAnEmptyDatabase(String initializeSchema) throws Exception {
		boolean engineTablesFromMigrations = "never".equals(initializeSchema);
		Path changelog = this.directory.resolve("resources/db/changelog/db.changelog-master.yaml");
		Files.createDirectories(changelog.getParent());
		String changes = """
				databaseChangeLog:
				  - changeSet:
				      id: orders
				      author: app
				      changes:
				        - sql:
				            sql: CREATE TABLE orders (id bigint PRIMARY KEY)
				""";
		if (engineTablesFromMigrations) {
			changes += """
					  - changeSet:
					      id: level-mutex
					      author: app
					      changes:
					        - sqlFile:
					            path: %s
					            splitStatements: false
					""".formatted(PostgresSchema.RESOURCE);
		}
		Files.writeString(changelog, changes);
		String database = newDatabase();
		runner(database, initializeSchema).withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.run((context) -> {
				assertStoreWorks(context);
				assertThat(count(database, "SELECT count(*) FROM databasechangelog"))
					.isEqualTo(engineTablesFromMigrations ? 2 : 1);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "never", "always" })
	void sqlInitOnAnEmptyDatabase(String initializeSchema) throws Exception {
		boolean engineTablesFromScripts = "never".equals(initializeSchema);
		Path resources = this.directory.resolve("resources");
		Files.createDirectories(resources);
		Files.writeString(resources.resolve("schema.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n"
				+ (engineTablesFromScripts ? schema() : ""));
		String database = newDatabase();
		runner(database, initializeSchema)
			.withConfiguration(AutoConfigurations.of(DataSourceInitializationAutoConfiguration.class))
			.withPropertyValues("spring.sql.init.mode=always",
					// The engine's function body holds semicolons: the script runs as one statement, as README says.
					"spring.sql.init.separator=^^^ END OF SCRIPT ^^^")
			.run((context) -> {
				assertStoreWorks(context);
				assertThat(count(database, "SELECT count(*) FROM orders")).isZero();
			});
	}

	private ApplicationContextRunner runner(String database, String initializeSchema) {
		return new ApplicationContextRunner().withClassLoader(resources())
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.engine=postgres",
					"level-mutex.postgres.initialize-schema=" + initializeSchema,
					"spring.datasource.url=" + cluster.jdbcUrl(database),
					"spring.datasource.username=" + cluster.username(), "level-mutex.mutexes.orders=");
	}

	/** The test's resources directory ahead of the test class path, as an application's own resources are. */
	private ClassLoader resources() {
		try {
			return new URLClassLoader(new URL[] { this.directory.resolve("resources").toUri().toURL() },
					getClass().getClassLoader());
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertStoreWorks(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
		byte[] key = "o-1".getBytes(StandardCharsets.UTF_8);
		orders.put(key, "placed".getBytes(StandardCharsets.UTF_8)).join();
		assertThat(orders.get(key).join()).hasValueSatisfying((value) -> assertThat(value).asString(StandardCharsets.UTF_8).isEqualTo("placed"));
	}

	static String schema() {
		try (InputStream in = LevelMutexDatabaseInitializationTests.class.getClassLoader()
			.getResourceAsStream(PostgresSchema.RESOURCE)) {
			assertThat(in).as(PostgresSchema.RESOURCE).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String newDatabase() throws SQLException {
		String name = "init_" + databases.incrementAndGet();
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

}
