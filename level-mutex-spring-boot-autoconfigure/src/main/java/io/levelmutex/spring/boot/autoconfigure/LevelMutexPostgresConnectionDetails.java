package io.levelmutex.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Details of the connection the PostgreSQL engine ({@code level-mutex.store.engine=postgres}) opens its store on
 * when the store does not share the application's DataSource, as Spring Boot's {@code FlywayConnectionDetails} is
 * for Flyway. By default they are {@code level-mutex.postgres.url}, {@code username} and {@code password}; a bean
 * of this type replaces them (for a service connection, a secret store, a test server).
 *
 * <p>Which DataSource the store uses, in order: the one qualified
 * {@link io.levelmutex.spring.boot.LevelMutexDataSource @LevelMutexDataSource}; else, when
 * {@link #getJdbcUrl()} is not null, a dedicated one built from these details (username and password default to
 * the application's {@code JdbcConnectionDetails}, i.e. {@code spring.datasource.*}); else, when
 * {@link #getUsername()} is not null, a dedicated one derived from the application's DataSource (same URL and pool
 * type) with this username and password; else the application's unique or primary DataSource. A dedicated
 * DataSource is closed with the application context, after the store.
 */
public interface LevelMutexPostgresConnectionDetails extends ConnectionDetails {

	/**
	 * The JDBC URL of the store's database.
	 * @return a {@code jdbc:postgresql:} URL, or null to use the application's DataSource's
	 */
	@Nullable String getJdbcUrl();

	/**
	 * The login user of the store's database.
	 * @return the user, or null for the application's
	 */
	@Nullable String getUsername();

	/**
	 * The login password of the store's database.
	 * @return the password, or null for the application's
	 */
	@Nullable String getPassword();

}
