package io.levelmutex.spring.boot.test.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with a DataSource of its own and Flyway owning the schema (the engine's tables from a migration,
 * {@code initialize-schema=never}): {@code @AutoConfigureLevelMutex(engine = POSTGRES)} serves the application's
 * connection from the private server, as {@code @ServiceConnection} does, so the DataSource, Flyway and the store
 * are on one fresh database.
 */
@SpringBootTest(classes = PostgresFlywayApplicationTests.FlywayApplication.class,
		properties = { "level-mutex.postgres.initialize-schema=never", "test.context=postgres-flyway" })
@AutoConfigureLevelMutex(engine = AutoConfigureLevelMutex.Engine.POSTGRES)
class PostgresFlywayApplicationTests {

	/** The engine's schema file in level-mutex-postgres, copied into a migration as the README says. */
	static final String SCHEMA = "META-INF/level-mutex/postgres/schema-v3.sql";

	@Autowired
	MutexStore store;

	@Autowired
	@Qualifier("orders")
	Mutex<byte[], byte[]> orders;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcConnectionDetails connectionDetails;

	@Autowired
	Environment environment;

	@DynamicPropertySource
	static void migrations(DynamicPropertyRegistry registry) throws IOException {
		Path directory = Files.createTempDirectory("level-mutex-flyway");
		directory.toFile().deleteOnExit();
		Files.writeString(directory.resolve("V1__level_mutex.sql"), schema());
		Files.writeString(directory.resolve("V2__orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
		registry.add("spring.flyway.locations", () -> "filesystem:" + directory);
	}

	@Test
	void theApplicationsDataSourceFlywayAndTheStoreShareTheTestDatabase() throws SQLException {
		assertThat(this.connectionDetails.getJdbcUrl())
			.startsWith(LevelMutexTestPostgres.cluster().jdbcUrl("level_mutex_test_"));
		assertThat(this.environment.getProperty("level-mutex.postgres.url")).isNull();
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.getMetaData().getURL()).isEqualTo(this.connectionDetails.getJdbcUrl());
		}
		assertThat(this.store.health().engine()).isEqualTo("postgresql");
		assertThat(this.store.health().details()).containsEntry("joinedCommitsEnabled", true);
		this.orders.put(bytes("o-1"), bytes("placed")).join();
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Long.class))
			.isEqualTo(2);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM level_mutex_entry", Long.class)).isEqualTo(1);
	}

	private static String schema() throws IOException {
		try (InputStream in = PostgresFlywayApplicationTests.class.getClassLoader().getResourceAsStream(SCHEMA)) {
			if (in == null) {
				throw new UncheckedIOException(new IOException("No " + SCHEMA + " on the class path"));
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FlywayApplication {

	}

}
