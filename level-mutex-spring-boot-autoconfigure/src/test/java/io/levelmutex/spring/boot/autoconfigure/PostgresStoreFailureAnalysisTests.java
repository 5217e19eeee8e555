package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way the PostgreSQL store can fail to open at startup gets an analysis that says what is wrong and names
 * the property or the fix: a URL of another scheme, a server that is not there, a user it refuses, no schema with
 * {@code initialize-schema=never}, a schema of another version, {@code synchronous_commit} off.
 */
class PostgresStoreFailureAnalysisTests {

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

	private ApplicationContextRunner runner() {
		return withoutApplicationDataSource()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class));
	}

	/** The store on a DataSource of its own ({@code level-mutex.postgres.url}), the application without one. */
	private ApplicationContextRunner withoutApplicationDataSource() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.store.engine=postgres", "level-mutex.mutexes.orders=",
					"spring.datasource.hikari.connection-timeout=1000", "level-mutex.postgres.connect-wait=5s");
	}

	@Test
	void whenTheStoresUrlHasAnotherSchemeThenTheAnalysisNamesThePropertyAndTheScheme() throws SQLException {
		String url = newDatabase().replace("jdbc:postgresql:", "jdbc:postgres:");
		withoutApplicationDataSource()
			.withPropertyValues("level-mutex.postgres.url=" + url, "level-mutex.postgres.username=" + cluster.username())
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("level-mutex.postgres.url", "jdbc:postgres:");
				assertThat(analysis.getAction()).contains("jdbc:postgresql://");
			});
	}

	@Test
	void whenTheApplicationsUrlHasAnotherSchemeThenTheAnalysisNamesSpringDatasourceUrl() throws SQLException {
		String url = newDatabase().replace("jdbc:postgresql:", "jdbc:postgres:");
		runner().withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + cluster.username(),
				"spring.datasource.driver-class-name=org.postgresql.Driver")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("spring.datasource.url");
				assertThat(analysis.getAction()).contains("jdbc:postgresql://");
			});
	}

	@Test
	void whenNoServerListensThenTheAnalysisSaysItIsUnreachable() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		runner().withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/app",
				"spring.datasource.username=" + cluster.username())
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("cannot reach", "127.0.0.1:" + port);
				assertThat(analysis.getAction()).contains("spring.datasource.url", "running");
			});
	}

	@Test
	void whenTheServerRefusesTheUserThenTheAnalysisNamesTheCredentials() throws SQLException {
		String url = newDatabase();
		withoutApplicationDataSource()
			.withPropertyValues("level-mutex.postgres.url=" + url, "level-mutex.postgres.username=nobody")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("refused", "nobody");
				assertThat(analysis.getAction()).contains("level-mutex.postgres.username", "level-mutex.postgres.password");
			});
	}

	@Test
	void whenTheSchemaIsMissingWithNeverThenTheAnalysisNamesTheSchemaFileAndTheSetting() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("no level-mutex schema");
				assertThat(analysis.getAction()).contains(PostgresSchema.RESOURCE,
						"level-mutex.postgres.initialize-schema", "Flyway");
			});
	}

	@Test
	void whenTheSchemaIsOfAnotherVersionThenTheAnalysisNamesTheUpgrade() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run((context) -> assertThat(context).hasNotFailed());
		execute(url, "UPDATE level_mutex_schema_version SET version = 0");
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("version 0");
				assertThat(analysis.getAction()).contains("upgrade", PostgresSchema.DIRECTORY);
			});
	}

	@Test
	void whenTheSchemaIsAtVersion1ThenTheAnalysisNamesTheUpgradeScript() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run((context) -> assertThat(context).hasNotFailed());
		execute(url, "UPDATE level_mutex_schema_version SET version = 1");
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("version 1");
				assertThat(analysis.getAction())
					.contains("META-INF/level-mutex/postgres/upgrade-v1-to-v2.sql", "Flyway", "Liquibase");
			});
	}

	@Test
	void whenSynchronousCommitIsOffThenTheAnalysisNamesTheSettingAndTheFix() throws SQLException {
		String url = newDatabase();
		String database = url.substring(url.lastIndexOf('/') + 1);
		execute(url, "ALTER DATABASE " + database + " SET synchronous_commit = off");
		onApplicationDataSource(url).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("synchronous_commit");
			assertThat(analysis.getAction()).contains("synchronous_commit", "on");
		});
	}

	private ApplicationContextRunner onApplicationDataSource(String url) {
		return runner().withPropertyValues("spring.datasource.url=" + url,
				"spring.datasource.username=" + cluster.username());
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new PostgresEngineFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	private static String newDatabase() throws SQLException {
		return cluster.createDatabase("analysis_" + databases.incrementAndGet());
	}

	private static void execute(String url, String sql) throws SQLException {
		try (Connection connection = java.sql.DriverManager.getConnection(url, cluster.username(), "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
