package io.levelmutex.spring.boot.autoconfigure;

import javax.sql.DataSource;

import java.util.function.UnaryOperator;

import io.levelmutex.spring.boot.LevelMutexDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The DataSource the PostgreSQL engine's store opens on, chosen as Spring Boot's Flyway auto-configuration chooses
 * Flyway's: the one qualified {@link LevelMutexDataSource @LevelMutexDataSource}; else a dedicated one built from
 * the {@link LevelMutexPostgresConnectionDetails} when they have a URL; else a dedicated one
 * {@link DataSourceBuilder#derivedFrom derived from} the application's DataSource when they have a username; else
 * the application's unique or primary DataSource. A dedicated one is owned: closed when the context closes, after
 * the store (the store bean depends on this one).
 */
final class PostgresStoreDataSource implements DisposableBean {

	private static final Log logger = LogFactory.getLog(PostgresStoreDataSource.class);

	private static final String DATA_SOURCE_BUILDER = "org.springframework.boot.jdbc.DataSourceBuilder";

	private static final String JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

	/** The scheme of every URL the PostgreSQL JDBC driver accepts. */
	static final String JDBC_POSTGRESQL = "jdbc:postgresql:";

	private static final String DEDICATED = "level-mutex.postgres.";

	private static final String APPLICATION = "spring.datasource.";

	private final DataSource dataSource;

	private final boolean owned;

	private final String description;

	/** Names the setting of this DataSource's {@code url}, {@code username} or {@code password}, for messages. */
	private final UnaryOperator<String> settings;

	private PostgresStoreDataSource(DataSource dataSource, boolean owned, String description,
			UnaryOperator<String> settings) {
		this.dataSource = dataSource;
		this.owned = owned;
		this.description = description;
		this.settings = settings;
	}

	/**
	 * Finds or builds the store's DataSource.
	 * @param details the store's connection details ({@code level-mutex.postgres.*} or the application's bean)
	 * @param environment for {@code spring.datasource.username} and {@code .password}, the defaults of a
	 * dedicated DataSource's credentials when there is no {@code JdbcConnectionDetails} bean
	 * @param beanFactory for the application's {@code JdbcConnectionDetails}, if spring-boot-jdbc is present
	 * @param qualified DataSource beans qualified {@code @LevelMutexDataSource}
	 * @param all every DataSource bean
	 * @return the DataSource
	 * @throws PostgresEngineUnavailableException if there is none to use
	 */
	static PostgresStoreDataSource resolve(LevelMutexPostgresConnectionDetails details, Environment environment,
			ListableBeanFactory beanFactory, ObjectProvider<DataSource> qualified, ObjectProvider<DataSource> all) {
		DataSource chosen = qualified.getIfUnique();
		if (chosen != null) {
			return new PostgresStoreDataSource(chosen, false, "the @LevelMutexDataSource DataSource",
					(name) -> "the " + name + " of the @LevelMutexDataSource DataSource");
		}
		boolean fromProperties = details instanceof PropertiesLevelMutexPostgresConnectionDetails;
		UnaryOperator<String> detailsSettings = fromProperties ? (name) -> DEDICATED + name
				: (name) -> "the " + name + " of the LevelMutexPostgresConnectionDetails bean";
		String url = details.getJdbcUrl();
		if (url != null) {
			if (!url.startsWith(JDBC_POSTGRESQL)) {
				throw PostgresEngineUnavailableException.notAPostgresUrl(detailsSettings.apply("url"), url);
			}
			String username = details.getUsername();
			String password = details.getPassword();
			if (username == null) {
				String[] application = applicationCredentials(environment, beanFactory);
				username = application[0];
				password = (password != null) ? password : application[1];
			}
			String where = fromProperties ? DEDICATED + "url " + url : "the LevelMutexPostgresConnectionDetails bean's URL " + url;
			return new PostgresStoreDataSource(dedicated(url, username, password), true, where, detailsSettings);
		}
		String username = details.getUsername();
		chosen = all.getIfUnique();
		if (username != null && chosen != null) {
			if (!ClassUtils.isPresent(DATA_SOURCE_BUILDER, PostgresStoreDataSource.class.getClassLoader())) {
				throw new InvalidConfigurationPropertyValueException(detailsSettings.apply("username"), username,
						"A DataSource derived from the application's with another user needs spring-boot-jdbc;"
								+ " add it, or set " + detailsSettings.apply("url") + " as well");
			}
			DataSource derived = Pooled.derive(chosen, username, details.getPassword());
			return new PostgresStoreDataSource(derived, true,
					"the application's DataSource as " + detailsSettings.apply("username") + " " + username,
					(name) -> "url".equals(name) ? APPLICATION + name : detailsSettings.apply(name));
		}
		if (chosen != null) {
			return new PostgresStoreDataSource(chosen, false, "the application's DataSource",
					(name) -> APPLICATION + name);
		}
		throw PostgresEngineUnavailableException.noDataSource(all.stream().count());
	}

	/** The application's username and password: its JdbcConnectionDetails bean's, else spring.datasource.*. */
	private static @Nullable String[] applicationCredentials(Environment environment, ListableBeanFactory beanFactory) {
		if (ClassUtils.isPresent(JDBC_CONNECTION_DETAILS, PostgresStoreDataSource.class.getClassLoader())) {
			@Nullable String[] fromBean = Jdbc.credentials(beanFactory);
			if (fromBean != null) {
				return fromBean;
			}
		}
		return new @Nullable String[] { environment.getProperty(APPLICATION + "username"),
				environment.getProperty(APPLICATION + "password") };
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
		return this.settings.apply(name);
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

		/** Flyway's {@code derivedFrom}: the application's URL and pool type, another user. */
		static DataSource derive(DataSource application, String username, @Nullable String password) {
			DataSourceBuilder<?> builder = DataSourceBuilder.derivedFrom(application).username(username);
			if (password != null) {
				builder.password(password);
			}
			return builder.build();
		}

	}

	/** The application's JdbcConnectionDetails, loaded only when spring-boot-jdbc is present. */
	private static final class Jdbc {

		static @Nullable String @Nullable [] credentials(ListableBeanFactory beanFactory) {
			JdbcConnectionDetails details = beanFactory.getBeanProvider(JdbcConnectionDetails.class).getIfUnique();
			return (details != null) ? new @Nullable String[] { details.getUsername(), details.getPassword() } : null;
		}

	}

}
