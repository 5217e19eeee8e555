package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.spring.boot.MutexRegistry;
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
		schemaVersion(url, 0);
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
		schemaVersion(url, 1);
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("version 1");
				assertThat(analysis.getAction())
					.contains("META-INF/level-mutex/postgres/upgrade-v1-to-v2.sql",
							"META-INF/level-mutex/postgres/upgrade-v2-to-v3.sql", "Flyway", "Liquibase");
			});
	}

	@Test
	void whenTheSchemaIsAtVersion3WithoutItsJoinedProcedureThenTheAnalysisNamesTheV2Upgrade() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run((context) -> assertThat(context).hasNotFailed());
		execute(url, "DROP PROCEDURE level_mutex_commit_joined");
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("version 3", "level_mutex_commit_joined");
				assertThat(analysis.getAction()).contains(PostgresSchema.UPGRADE_FROM_V2, "Flyway", "Liquibase");
			});
	}

	@Test
	void whenTheSchemaIsAtVersion2ThenTheStoreOpensWithoutJoinedCommits() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run((context) -> assertThat(context).hasNotFailed());
		// What a database whose migrations stop at schema-v2.sql holds: no joined-commit procedure, version 2.
		execute(url, "DROP PROCEDURE level_mutex_commit_joined");
		schemaVersion(url, 2);
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MutexStore store = context.getBean(MutexStore.class);
				assertThat(store.health().details()).containsEntry("joinedCommitsEnabled", false);
				Mutex<byte[], byte[]> mutex = context.getBean(MutexRegistry.class).mutex("orders");
				mutex.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)).join();
				assertThat(mutex.get("k".getBytes(StandardCharsets.UTF_8)).join()).isPresent();
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

	/** Leaves the schema's version table saying {@code version} (a schema of version 3 holds the rows 2 and 3). */
	private static void schemaVersion(String url, int version) throws SQLException {
		execute(url, "DELETE FROM level_mutex_schema_version");
		execute(url, "INSERT INTO level_mutex_schema_version (version) VALUES (" + version + ")");
	}

	private static void execute(String url, String sql) throws SQLException {
		try (Connection connection = java.sql.DriverManager.getConnection(url, cluster.username(), "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
