package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.postgres.PostgresStore;
import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.LevelMutexDataSource;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LevelMutexPostgresAutoConfiguration}: every {@code level-mutex.postgres.*} property and every condition,
 * on one private PostgreSQL cluster for the class (each test on databases of its own).
 */
class LevelMutexPostgresAutoConfigurationTests {

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

	private static String newDatabase() throws SQLException {
		return cluster.createDatabase("starter_" + databases.incrementAndGet());
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					LevelMutexPostgresAutoConfiguration.class, LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.temporary=true",
					"spring.datasource.username=" + cluster.username(), "level-mutex.mutexes.orders=");
	}

	/** An application without a DataSource of its own (no DataSourceAutoConfiguration). */
	private ApplicationContextRunner withoutApplicationDataSource() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexPostgresAutoConfiguration.class,
					LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.temporary=true", "level-mutex.mutexes.orders=");
	}

	private ApplicationContextRunner onApplicationDataSource(String url) {
		return contextRunner().withPropertyValues("level-mutex.store.engine=postgres", "spring.datasource.url=" + url);
	}

	/** Table names of the database, lower-case. */
	private static List<String> tables(String url) throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection connection = java.sql.DriverManager.getConnection(url, cluster.username(), "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		return names;
	}

	private static void putAndGet(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
		orders.put(bytes("o-1"), bytes("placed")).join();
		assertThat(orders.get(bytes("o-1")).join()).hasValueSatisfying(
				(value) -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("placed"));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new PostgresEngineFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Test
	void whenEngineIsNotSetThenTheStoreIsRocksDBEvenWithThePostgresModulePresent() throws SQLException {
		String url = newDatabase();
		contextRunner().withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MutexStore.class).hasBean("levelMutexStoreDirectory");
			assertThat(context.getBean(MutexStore.class).health().engine()).isEqualTo("rocksdb");
			assertThat(context).doesNotHaveBean(PostgresStoreDataSource.class);
		});
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenEngineIsPostgresThenTheStoreIsOnTheApplicationDataSource() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run((context) -> {
			putAndGet(context);
			MutexStore store = context.getBean(MutexStore.class);
			assertThat(store.health().engine()).isEqualTo("postgresql");
			assertThat(store.directory()).isNull();
			assertThat(context).doesNotHaveBean("levelMutexStoreDirectory");
			PostgresStoreDataSource dataSource = context.getBean(PostgresStoreDataSource.class);
			assertThat(dataSource.isOwned()).isFalse();
			assertThat(dataSource.dataSource()).isSameAs(context.getBean(DataSource.class));
		});
		assertThat(tables(url)).isNotEmpty().allMatch((table) -> table.startsWith("level_mutex_"));
		// what was written is in the database: a store opened there afterwards reads it
		PGSimpleDataSource plain = new PGSimpleDataSource();
		plain.setURL(url);
		plain.setUser(cluster.username());
		try (MutexStore store = PostgresStore.builder(plain).open()) {
			assertThat(store.mutex("orders").get(bytes("o-1")).join()).isPresent();
		}
	}

	@Test
	void whenEngineValueIsUpperCaseThenItStillSelectsPostgres() throws SQLException {
		String url = newDatabase();
		contextRunner().withPropertyValues("level-mutex.store.engine=POSTGRES", "spring.datasource.url=" + url)
			.run((context) -> {
				putAndGet(context);
				assertThat(context.getBean(MutexStore.class).health().engine()).isEqualTo("postgresql");
			});
	}

	@Test
	void whenEngineIsSetByAnEnvironmentVariableThenItOverridesTheApplicationProperties() throws SQLException {
		String url = newDatabase();
		withoutApplicationDataSource().withPropertyValues("level-mutex.store.engine=rocksdb")
			.withInitializer((context) -> TestPropertyValues
				.of("LEVEL_MUTEX_STORE_ENGINE=postgres", "LEVEL_MUTEX_POSTGRES_URL=" + url,
						"LEVEL_MUTEX_POSTGRES_USERNAME=" + cluster.username(),
						"LEVEL_MUTEX_POSTGRES_TABLE_PREFIX=from_env_")
				.applyTo(context.getEnvironment(), TestPropertyValues.Type.SYSTEM_ENVIRONMENT, "test-systemEnvironment"))
			.run((context) -> {
				putAndGet(context);
				assertThat(context.getBean(MutexStore.class).health().engine()).isEqualTo("postgresql");
			});
		assertThat(tables(url)).isNotEmpty().allMatch((table) -> table.startsWith("from_env_"));
	}

	@Test
	void whenPostgresUrlIsSetThenTheStoreHasADedicatedPoolClosedWithTheContext() throws SQLException {
		String application = newDatabase();
		String dedicated = newDatabase();
		List<HikariDataSource> pools = new ArrayList<>();
		onApplicationDataSource(application)
			.withPropertyValues("level-mutex.postgres.url=" + dedicated,
					"level-mutex.postgres.username=" + cluster.username(), "level-mutex.postgres.password=")
			.run((context) -> {
				putAndGet(context);
				PostgresStoreDataSource dataSource = context.getBean(PostgresStoreDataSource.class);
				assertThat(dataSource.isOwned()).isTrue();
				assertThat(dataSource.dataSource()).isNotSameAs(context.getBean(DataSource.class))
					.isInstanceOf(HikariDataSource.class);
				assertThat(dataSource.description()).contains(dedicated).doesNotContainIgnoringCase("password");
				pools.add((HikariDataSource) dataSource.dataSource());
			});
		assertThat(tables(dedicated)).isNotEmpty();
		assertThat(tables(application)).isEmpty();
		assertThat(pools).singleElement().satisfies((pool) -> assertThat(pool.isClosed()).isTrue());
	}

	@Test
	void whenPostgresUrlIsSetWithoutUsernameThenSpringDatasourceCredentialsAreUsed() throws SQLException {
		String dedicated = newDatabase();
		withoutApplicationDataSource()
			.withPropertyValues("level-mutex.store.engine=postgres", "level-mutex.postgres.url=" + dedicated,
					"spring.datasource.username=" + cluster.username())
			.run(LevelMutexPostgresAutoConfigurationTests::putAndGet);
		assertThat(tables(dedicated)).isNotEmpty();
	}

	@Test
	void whenAConnectionDetailsBeanIsDefinedThenTheDedicatedDataSourceIsBuiltFromItNotFromTheProperties()
			throws SQLException {
		String application = newDatabase();
		String fromProperties = newDatabase();
		String fromBean = newDatabase();
		LevelMutexPostgresConnectionDetails details = new LevelMutexPostgresConnectionDetails() {
			@Override
			public String getJdbcUrl() {
				return fromBean;
			}

			@Override
			public String getUsername() {
				return cluster.username();
			}

			@Override
			public String getPassword() {
				return "";
			}
		};
		onApplicationDataSource(application).withPropertyValues("level-mutex.postgres.url=" + fromProperties)
			.withBean(LevelMutexPostgresConnectionDetails.class, () -> details)
			.run((context) -> {
				putAndGet(context);
				assertThat(context).getBeans(LevelMutexPostgresConnectionDetails.class).hasSize(1);
				assertThat(context.getBean(PostgresStoreDataSource.class).isOwned()).isTrue();
			});
		assertThat(tables(fromBean)).isNotEmpty();
		assertThat(tables(fromProperties)).isEmpty();
		assertThat(tables(application)).isEmpty();
	}

	@Test
	void whenOnlyPostgresUsernameIsSetThenTheStoreDataSourceIsDerivedFromTheApplicationOneWithThatUser()
			throws SQLException {
		String application = newDatabase();
		try (Connection connection = cluster.connect("postgres"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE store_user LOGIN SUPERUSER");
		}
		List<HikariDataSource> pools = new ArrayList<>();
		onApplicationDataSource(application).withPropertyValues("level-mutex.postgres.username=store_user")
			.run((context) -> {
				putAndGet(context);
				PostgresStoreDataSource dataSource = context.getBean(PostgresStoreDataSource.class);
				assertThat(dataSource.isOwned()).isTrue();
				assertThat(dataSource.dataSource()).isNotSameAs(context.getBean(DataSource.class))
					.isInstanceOf(HikariDataSource.class);
				try (Connection connection = dataSource.dataSource().getConnection();
						Statement statement = connection.createStatement();
						ResultSet row = statement.executeQuery("SELECT current_user, current_database()")) {
					assertThat(row.next()).isTrue();
					assertThat(row.getString(1)).isEqualTo("store_user");
					assertThat(application).endsWith("/" + row.getString(2));
				}
				pools.add((HikariDataSource) dataSource.dataSource());
			});
		assertThat(tables(application)).isNotEmpty();
		assertThat(pools).singleElement().satisfies((pool) -> assertThat(pool.isClosed()).isTrue());
	}

	@Test
	void whenInitializeSchemaIsEmbeddedThenThePostgresStoreDoesNotCreateItsTablesAsPostgresIsNeverEmbedded()
			throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=embedded")
			.run((context) -> assertThat(analysis(context).getAction())
				.contains("level-mutex.postgres.initialize-schema"));
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenADataSourceIsQualifiedLevelMutexDataSourceThenTheStoreUsesItNotThePrimary() throws SQLException {
		String primary = newDatabase();
		String qualified = newDatabase();
		contextRunner().withPropertyValues("level-mutex.store.engine=postgres")
			.withBean("primaryDataSource", DataSource.class, () -> simple(primary), (definition) -> definition.setPrimary(true))
			.withUserConfiguration(QualifiedDataSourceConfiguration.class)
			.withPropertyValues("test.qualified.url=" + qualified)
			.run((context) -> {
				putAndGet(context);
				assertThat(context.getBean(PostgresStoreDataSource.class).dataSource())
					.isSameAs(context.getBean("levelMutexOnly"));
			});
		assertThat(tables(qualified)).isNotEmpty();
		assertThat(tables(primary)).isEmpty();
	}

	@Test
	void whenTwoDataSourcesAndNeitherIsPrimaryNorQualifiedThenStartupFailsExplainingIt() throws SQLException {
		String first = newDatabase();
		String second = newDatabase();
		contextRunner().withPropertyValues("level-mutex.store.engine=postgres")
			.withBean("first", DataSource.class, () -> simple(first))
			.withBean("second", DataSource.class, () -> simple(second))
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("2 DataSource beans", "@LevelMutexDataSource");
				assertThat(analysis.getAction()).contains("level-mutex.postgres.url", "@LevelMutexDataSource");
			});
	}

	@Test
	void whenEngineIsPostgresAndThereIsNoDataSourceThenStartupFailsNamingWhatToSet() {
		withoutApplicationDataSource().withPropertyValues("level-mutex.store.engine=postgres")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("no DataSource", "level-mutex.postgres.url");
				assertThat(analysis.getAction()).contains("level-mutex.postgres.url", "spring.datasource.url");
			});
	}

	@Test
	void whenEngineIsPostgresAndTheModuleIsMissingThenStartupFailsNamingTheDependency() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withClassLoader(new FilteredClassLoader(PostgresStore.class)).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("level-mutex.store.engine", "not on the classpath");
			assertThat(analysis.getAction()).contains("io.levelmutex:level-mutex-postgres",
					"level-mutex.store.engine=rocksdb");
		});
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenThePostgresAutoConfigurationIsNotAppliedThenStartupFailsRatherThanOpeningRocksDB() throws SQLException {
		String url = newDatabase();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"),
					"level-mutex.store.engine=postgres", "spring.datasource.url=" + url)
			.run((context) -> assertThat(analysis(context).getDescription()).contains("is excluded"));
		assertThat(this.directory.resolve("db")).doesNotExist();
	}

	@Test
	void whenTheApplicationDefinesItsOwnStoreThenThePostgresConfigurationBacksOff() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url)
			.withBean("myStore", MutexStore.class, () -> RocksStore.builder(this.directory.resolve("own")).open())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(MutexStore.class).doesNotHaveBean(PostgresStoreDataSource.class);
				assertThat(context.getBean(MutexStore.class).health().engine()).isEqualTo("rocksdb");
			});
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenLevelMutexIsDisabledThenThereIsNoStore() throws SQLException {
		onApplicationDataSource(newDatabase()).withPropertyValues("level-mutex.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MutexStore.class));
	}

	@Test
	void whenTablePrefixIsSetThenEveryTableHasIt() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.table-prefix=app_mutex_")
			.run(LevelMutexPostgresAutoConfigurationTests::putAndGet);
		assertThat(tables(url)).isNotEmpty().allMatch((table) -> table.startsWith("app_mutex_"));
	}

	@Test
	void whenTablePrefixIsNotAnIdentifierThenStartupFailsNamingTheProperty() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.table-prefix=Bad-Prefix")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("level-mutex.postgres.table-prefix")
				.hasMessageContaining("Bad-Prefix"));
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenNotificationChannelIsSetThenCommitsAreAnnouncedOnItToOtherInstances() throws Exception {
		String url = newDatabase();
		try (Connection listener = java.sql.DriverManager.getConnection(url, cluster.username(), "");
				Statement statement = listener.createStatement()) {
			// what another instance's remote-change listener looks like: an instance announces its commits only
			// while it counts another one (README, "Remote changes")
			statement.execute("SET application_name = 'level-mutex-listener'");
			statement.execute("LISTEN app_changes");
			PGConnection pg = listener.unwrap(PGConnection.class);
			List<String> channels = new ArrayList<>();
			// the announcement leaves from a worker after the commit, and a closing store drops what it has not
			// sent (a hint is only a hint): the application stays up until it is heard
			onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.notification-channel=app_changes")
				.run((context) -> {
					putAndGet(context);
					Awaitility.await("a notification on channel app_changes after the application's commit")
						.atMost(Duration.ofSeconds(60))
						.until(() -> {
							PGNotification[] notifications = pg.getNotifications(200);
							if (notifications != null) {
								for (PGNotification notification : notifications) {
									channels.add(notification.getName());
								}
							}
							return !channels.isEmpty();
						});
				});
			assertThat(channels).contains("app_changes");
		}
	}

	@Test
	void whenNotificationChannelIsNotAnIdentifierThenStartupFailsNamingTheProperty() throws SQLException {
		onApplicationDataSource(newDatabase()).withPropertyValues("level-mutex.postgres.notification-channel=a b")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.postgres.notification-channel"));
	}

	@Test
	void whenInitializeSchemaIsNeverAndTheTablesAreMissingThenStartupFailsExplainingIt() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("could not be opened");
				assertThat(analysis.getAction()).contains("level-mutex.postgres.initialize-schema", "'never'");
			});
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenInitializeSchemaIsNeverAndTheTablesExistThenTheStoreOpens() throws SQLException {
		String url = newDatabase();
		onApplicationDataSource(url).run(LevelMutexPostgresAutoConfigurationTests::putAndGet);
		List<String> created = tables(url);
		onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MutexRegistry.class).mutex("orders").get(bytes("o-1")).join()).isPresent();
			});
		assertThat(tables(url)).isEqualTo(created);
	}

	@Test
	void whenDurationsAreNotPositiveThenStartupFailsNamingEachProperty() throws SQLException {
		String url = newDatabase();
		for (String property : List.of("poll-interval=0s", "connect-wait=-1s", "resolve-wait=0ms")) {
			onApplicationDataSource(url).withPropertyValues("level-mutex.postgres." + property)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("level-mutex.postgres." + property.substring(0, property.indexOf('=')))
					.hasMessageContaining("must be positive"));
		}
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenDurationsAreSetThenTheyBindAndTheStoreOpens() throws SQLException {
		onApplicationDataSource(newDatabase())
			.withPropertyValues("level-mutex.postgres.poll-interval=250ms", "level-mutex.postgres.connect-wait=2s",
					"level-mutex.postgres.resolve-wait=3s")
			.run((context) -> {
				putAndGet(context);
				LevelMutexProperties.Postgres postgres = context.getBean(LevelMutexProperties.class).getPostgres();
				assertThat(postgres.getPollInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(postgres.getConnectWait()).isEqualTo(Duration.ofSeconds(2));
				assertThat(postgres.getResolveWait()).isEqualTo(Duration.ofSeconds(3));
			});
	}

	@Test
	void whenJoinedCommitsAreNotSetThenTheStoreJoinsAndZeroTurnsJoiningOff() throws SQLException {
		onApplicationDataSource(newDatabase()).run((context) -> {
			putAndGet(context);
			assertThat(context.getBean(LevelMutexProperties.class).getPostgres().getJoinedCommits()).isEqualTo(1);
			assertThat(context.getBean(MutexStore.class).health().details()).containsEntry("joinedCommitsEnabled", true);
		});
		onApplicationDataSource(newDatabase()).withPropertyValues("level-mutex.postgres.joined-commits=0")
			.run((context) -> {
				putAndGet(context);
				assertThat(context.getBean(MutexStore.class).health().details())
					.containsEntry("joinedCommitsEnabled", false);
			});
	}

	@Test
	void whenJoinedCommitsAreOutOfRangeThenStartupFailsNamingTheProperty() throws SQLException {
		String url = newDatabase();
		for (String value : List.of("-1", "17")) {
			onApplicationDataSource(url).withPropertyValues("level-mutex.postgres.joined-commits=" + value)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("level-mutex.postgres.joined-commits")
					.hasMessageContaining("0 (joining off) to 16"));
		}
		assertThat(tables(url)).isEmpty();
	}

	@Test
	void whenStoreSettingsAndCustomizersAreSetThenThePostgresStoreHasThem() throws SQLException {
		List<String> customized = new ArrayList<>();
		onApplicationDataSource(newDatabase())
			.withPropertyValues("level-mutex.store.cycle-threads=3", "level-mutex.store.close-timeout=7s")
			.withBean(MutexStoreCustomizer.class, () -> (builder) -> customized.add("called"))
			.run((context) -> {
				putAndGet(context);
				MutexStore store = context.getBean(MutexStore.class);
				assertThat(store.options().cycleThreads()).isEqualTo(3);
				assertThat(store.options().closeTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(customized).containsExactly("called");
			});
	}

	private static DataSource simple(String url) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(url);
		dataSource.setUser(cluster.username());
		return dataSource;
	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedDataSourceConfiguration {

		@Bean
		@LevelMutexDataSource
		DataSource levelMutexOnly(org.springframework.core.env.Environment environment) {
			return simple(environment.getRequiredProperty("test.qualified.url"));
		}

	}

}
