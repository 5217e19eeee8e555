package io.levelmutex.spring.boot.autoconfigure;

import java.util.Set;

import io.levelmutex.MutexStore;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.InitializeSchema;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.sql.init.dependency.DatabaseInitializerDetector;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * With {@code level-mutex.store.engine=postgres} and {@code level-mutex.postgres.initialize-schema=always}, the
 * {@link MutexStore} creates the engine's tables as it opens, so it is a database initializer itself: ordered
 * after every other one (Flyway, Liquibase, {@code spring.sql.init}), it opens once they have run, and Flyway
 * finds the database as the application left it (an empty one stays empty for Flyway's baseline check).
 * Registered in {@code META-INF/spring.factories}; with {@code never} the store is only a user of database
 * initialisation ({@link MutexStoreDependsOnDatabaseInitializationDetector}).
 */
final class MutexStoreDatabaseInitializerDetector implements DatabaseInitializerDetector {

	/** After {@code spring.sql.init}'s detector ({@code LOWEST_PRECEDENCE - 100}) and Flyway's and Liquibase's. */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 50;

	private final Environment environment;

	MutexStoreDatabaseInitializerDetector(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Set<String> detect(ConfigurableListableBeanFactory beanFactory) {
		if (!storeCreatesSchema(this.environment)) {
			return Set.of();
		}
		return Set.of(beanFactory.getBeanNamesForType(MutexStore.class, true, false));
	}

	/** Whether the PostgreSQL engine is chosen and creates its schema when the store opens. */
	static boolean storeCreatesSchema(Environment environment) {
		Binder binder = Binder.get(environment);
		boolean enabled = binder.bind("level-mutex.enabled", Boolean.class).orElse(true);
		boolean postgres = "postgres".equalsIgnoreCase(environment.getProperty("level-mutex.store.engine", "").strip());
		InitializeSchema mode = binder.bind("level-mutex.postgres.initialize-schema", InitializeSchema.class)
			.orElse(InitializeSchema.ALWAYS);
		return enabled && postgres && mode.initializesPostgres();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
