package io.levelmutex.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.MutexStore;
import io.levelmutex.postgres.PostgresStore;
import io.levelmutex.spring.boot.LevelMutexDataSource;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Postgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the PostgreSQL engine: with
 * {@code level-mutex.store.engine=postgres} and {@code level-mutex-postgres} on the classpath, the
 * {@link MutexStore} is a {@link PostgresStore} on the application's DataSource (the one qualified
 * {@link LevelMutexDataSource @LevelMutexDataSource} if any, else the unique or primary one), or on a DataSource
 * of its own built from {@link LevelMutexPostgresConnectionDetails} ({@code level-mutex.postgres.url},
 * {@code username}, {@code password} unless the application defines that bean), as Spring Boot's Flyway
 * auto-configuration chooses Flyway's. {@code level-mutex.postgres.*} configures the engine;
 * the engine-neutral {@code level-mutex.store.*} ({@code cycle-threads}, {@code close-timeout}) apply, and the
 * {@link MutexStoreCustomizer} and {@link BatchInterceptor} beans as for the embedded engine. Everything else
 * (registry, mutex beans, events, health, metrics, endpoint, tracing) is {@link LevelMutexAutoConfiguration}'s,
 * unchanged. Backs off when the application defines its own {@link MutexStore}.
 *
 * <p>The store opens after the application's database initialisation (Flyway, Liquibase,
 * {@code spring.sql.init}): with {@code initialize-schema=never} it depends on it, with {@code always} it is the
 * last database initializer (it creates its tables after the migrations ran).
 *
 * <p>Bad values fail startup naming the property; a missing module or DataSource, or a store that does not
 * open, fails it with an explanation and the action to take.
 */
@AutoConfiguration(before = LevelMutexAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ MutexStore.class, PostgresStore.class })
@ConditionalOnBooleanProperty(name = "level-mutex.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "level-mutex.store.engine", havingValue = "postgres")
@EnableConfigurationProperties(LevelMutexProperties.class)
public final class LevelMutexPostgresAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LevelMutexPostgresAutoConfiguration.class);

	private static final String POSTGRES = "level-mutex.postgres.";

	/** PostgreSQL identifiers the engine accepts for its table prefix and channel. */
	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

	LevelMutexPostgresAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(LevelMutexPostgresConnectionDetails.class)
	PropertiesLevelMutexPostgresConnectionDetails levelMutexPostgresConnectionDetails(LevelMutexProperties properties) {
		return new PropertiesLevelMutexPostgresConnectionDetails(properties.getPostgres());
	}

	@Bean
	@ConditionalOnMissingBean(MutexStore.class)
	PostgresStoreDataSource levelMutexPostgresDataSource(LevelMutexPostgresConnectionDetails connectionDetails,
			Environment environment, ListableBeanFactory beanFactory,
			@LevelMutexDataSource ObjectProvider<DataSource> qualified, ObjectProvider<DataSource> all) {
		EngineSettings.checkForPostgres(environment);
		return PostgresStoreDataSource.resolve(connectionDetails, environment, beanFactory, qualified, all);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MutexStore mutexStore(LevelMutexProperties properties, PostgresStoreDataSource dataSource,
			ObjectProvider<MutexStoreCustomizer> customizers, ObjectProvider<BatchInterceptor> batchInterceptors) {
		Postgres postgres = properties.getPostgres();
		String tablePrefix = identifier("table-prefix", postgres.getTablePrefix());
		String channel = identifier("notification-channel", postgres.getNotificationChannel());
		Duration pollInterval = positive("poll-interval", postgres.getPollInterval());
		Duration connectWait = positive("connect-wait", postgres.getConnectWait());
		Duration resolveWait = positive("resolve-wait", postgres.getResolveWait());
		int joinedCommits = postgres.getJoinedCommits();
		if (joinedCommits < 0 || joinedCommits > 16) {
			throw new InvalidConfigurationPropertyValueException(POSTGRES + "joined-commits", joinedCommits,
					"must be 0 (joining off) to 16");
		}
		boolean initializeSchema = postgres.getInitializeSchema().initializesPostgres();
		var builder = PostgresStore.builder(dataSource.dataSource())
			.tablePrefix(tablePrefix)
			.notificationChannel(channel)
			.initializeSchema(initializeSchema)
			.pollInterval(pollInterval)
			.connectWait(connectWait)
			.resolveWait(resolveWait)
			.joinedCommits(joinedCommits)
			.storeOptions(new StoreOptionsFactory(properties).createForEngine(customizers.orderedStream().toList(),
					LevelMutexAutoConfiguration.batchInterceptor(batchInterceptors)));
		try {
			MutexStore store = builder.open();
			if (logger.isDebugEnabled()) {
				logger.debug("level-mutex PostgreSQL store on " + dataSource.description() + ": "
						+ store.description());
			}
			return store;
		}
		catch (RuntimeException ex) {
			// The engine's StorageException, or a pool's own failure (e.g. Hikari refusing a URL no driver accepts).
			throw PostgresOpenFailure.of(dataSource, !initializeSchema, ex);
		}
	}

	private static String identifier(String name, String value) {
		if (value == null || !IDENTIFIER.matcher(value).matches()) {
			throw new InvalidConfigurationPropertyValueException(POSTGRES + name, value,
					"must be 1 to 40 lower-case letters, digits and underscores, not starting with a digit");
		}
		return value;
	}

	private static Duration positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(POSTGRES + name, value, "must be positive");
		}
		return value;
	}

	/** Spring Boot's ordering of database initializers and their users, also without a Flyway or JDBC one. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DatabaseInitializationDependencyConfigurer.class)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class DatabaseInitializationOrder {

	}

}
