package io.levelmutex.spring.boot.autoconfigure;

import javax.sql.DataSource;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Postgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The DataSource the PostgreSQL engine's store opens on: a dedicated one built from
 * {@code level-mutex.postgres.url} (owned, closed when the context closes, after the store: the store bean
 * depends on this one), else the one qualified {@link LevelMutexDataSource @LevelMutexDataSource}, else the
 * application's unique or primary DataSource.
 */
final class PostgresStoreDataSource implements DisposableBean {

	private static final Log logger = LogFactory.getLog(PostgresStoreDataSource.class);

	private static final String DATA_SOURCE_BUILDER = "org.springframework.boot.jdbc.DataSourceBuilder";

	/** The scheme of every URL the PostgreSQL JDBC driver accepts. */
	static final String JDBC_POSTGRESQL = "jdbc:postgresql:";

	private static final String DEDICATED = "level-mutex.postgres.";

	private final DataSource dataSource;

	private final boolean owned;

	private final String description;

	/** Prefix of the url, username and password properties of this DataSource; null if not known. */
	private final @Nullable String propertyPrefix;

	private PostgresStoreDataSource(DataSource dataSource, boolean owned, String description,
			@Nullable String propertyPrefix) {
		this.dataSource = dataSource;
		this.owned = owned;
		this.description = description;
		this.propertyPrefix = propertyPrefix;
	}

	/**
	 * Finds or builds the store's DataSource.
	 * @param postgres {@code level-mutex.postgres.*}
	 * @param environment for {@code spring.datasource.username} and {@code .password}, the defaults of a
	 * dedicated DataSource's credentials
	 * @param qualified DataSource beans qualified {@code @LevelMutexDataSource}
	 * @param all every DataSource bean
	 * @return the DataSource
	 * @throws PostgresEngineUnavailableException if there is none to use
	 */
	static PostgresStoreDataSource resolve(Postgres postgres, Environment environment,
			ObjectProvider<DataSource> qualified, ObjectProvider<DataSource> all) {
		String url = postgres.getUrl();
		if (url != null && !url.isBlank()) {
			if (!url.startsWith(JDBC_POSTGRESQL)) {
				throw PostgresEngineUnavailableException.notAPostgresUrl(DEDICATED + "url", url);
			}
			String username = postgres.getUsername();
			String password = postgres.getPassword();
			if (username == null) {
				username = environment.getProperty("spring.datasource.username");
				password = (password != null) ? password : environment.getProperty("spring.datasource.password");
			}
			return new PostgresStoreDataSource(dedicated(url, username, password), true,
					DEDICATED + "url " + url, DEDICATED);
		}
		DataSource chosen = qualified.getIfUnique();
		if (chosen != null) {
			return new PostgresStoreDataSource(chosen, false, "the @LevelMutexDataSource DataSource", null);
		}
		chosen = all.getIfUnique();
		if (chosen != null) {
			return new PostgresStoreDataSource(chosen, false, "the application's DataSource", "spring.datasource.");
		}
		throw PostgresEngineUnavailableException.noDataSource(all.stream().count());
	}

	private static DataSource dedicated(String url, @Nullable String username, @Nullable String password) {
		if (ClassUtils.isPresent(DATA_SOURCE_BUILDER, PostgresStoreDataSource.class.getClassLoader())) {
			return Pooled.build(url, username, password);
		}
		PGSimpleDataSource simple = new PGSimpleDataSource();
		simple.setURL(url);
		if (username != null) {
			simple.setUser(username);
		}
		if (password != null) {
			simple.setPassword(password);
		}
		return simple;
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	/** @return where the store is, for messages (never the password) */
	String description() {
		return this.description;
	}

	/**
	 * The property that configures this DataSource's {@code url}, {@code username} or {@code password}.
	 * @param name {@code url}, {@code username} or {@code password}
	 * @return the property, or a phrase naming the DataSource's own configuration
	 */
	String property(String name) {
		return (this.propertyPrefix != null) ? this.propertyPrefix + name
				: "the " + name + " of the @LevelMutexDataSource DataSource";
	}

	boolean isOwned() {
		return this.owned;
	}

	@Override
	public void destroy() {
		if (this.owned && this.dataSource instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn("Cannot close the level-mutex DataSource of " + this.description, ex);
			}
		}
	}

	@Override
	public String toString() {
		return "PostgresStoreDataSource[" + this.description + (this.owned ? ", dedicated" : "") + "]";
	}

	/** Spring Boot's DataSourceBuilder: a pool when the application has one (HikariCP first). */
	private static final class Pooled {

		static DataSource build(String url, @Nullable String username, @Nullable String password) {
			DataSourceBuilder<?> builder = DataSourceBuilder.create(PostgresStoreDataSource.class.getClassLoader())
				.url(url);
			if (username != null) {
				builder.username(username);
			}
			if (password != null) {
				builder.password(password);
			}
			return builder.build();
		}

	}

}
