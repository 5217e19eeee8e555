package io.levelmutex.spring.boot.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Annotation for a test class that gives each of its application contexts a level-mutex store
 * of its own, in a fresh temporary directory that is deleted when the context closes: it sets
 * {@code level-mutex.rocksdb.temporary=true} (overriding {@code level-mutex.rocksdb.path} from the
 * application's configuration) and imports the level-mutex auto-configuration, so it also
 * works with test slices that do not enable auto-configuration.
 *
 * <p>Several cached test contexts can then be open in one JVM at once, each with its own
 * store; without it they would share {@code level-mutex.rocksdb.path}, and RocksDB allows only
 * one open store per directory (the second context fails to start, naming that property).
 * The mutexes declared under {@code level-mutex.mutexes} are created in each store as in the
 * application.
 *
 * <p>With {@code engine = Engine.POSTGRES} each application context gets instead a fresh database of its own on a
 * private PostgreSQL cluster, started once for the test JVM; several instances of the application on one
 * database are not what this gives: for that, start contexts on one {@link LevelMutexTestPostgres#createDatabase()
 * database} yourself.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("level-mutex.rocksdb")
public @interface AutoConfigureLevelMutex {

	/**
	 * Whether each application context gets its own temporary store
	 * ({@code level-mutex.rocksdb.temporary}).
	 * @return {@code true} (the default) for a temporary store, {@code false} for
	 * {@code level-mutex.rocksdb.path}
	 */
	boolean temporary() default true;

	/**
	 * The store's engine ({@code level-mutex.store.engine}). {@link Engine#POSTGRES} gives each application
	 * context a fresh database of its own on a private PostgreSQL cluster (see {@link LevelMutexTestPostgres}),
	 * served as the application's own connection the way {@code @ServiceConnection} does (a
	 * {@code JdbcConnectionDetails} bean: the application's DataSource, its Flyway or Liquibase migrations and the
	 * store all use that database), and set as {@code level-mutex.postgres.url}, {@code .username} and
	 * {@code .password} when the application has no DataSource or configures a database of the store's own: the
	 * application needs {@code io.levelmutex:level-mutex-postgres}, and the machine PostgreSQL's server binaries.
	 * @return {@link Engine#CONFIGURED} (the default) to keep the application's configured engine
	 */
	@PropertyMapping(skip = PropertyMapping.Skip.YES)
	Engine engine() default Engine.CONFIGURED;

	/** The engine of the test's store. */
	enum Engine {

		/** The engine the application's configuration names (embedded RocksDB unless it says otherwise). */
		CONFIGURED,

		/** The embedded RocksDB engine, whatever the application's configuration says. */
		ROCKSDB,

		/** The PostgreSQL engine, on a database of the context's own on a private cluster. */
		POSTGRES

	}

}
