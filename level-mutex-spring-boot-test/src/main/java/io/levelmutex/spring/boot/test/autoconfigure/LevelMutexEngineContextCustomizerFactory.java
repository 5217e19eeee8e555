package io.levelmutex.spring.boot.test.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * For a test class annotated {@code @AutoConfigureLevelMutex(engine = ...)} other than {@code CONFIGURED}: sets
 * {@code level-mutex.store.engine} above every other property source, and for {@code POSTGRES} gives each
 * application context a fresh database on the JVM's {@link LevelMutexTestPostgres private cluster}, served as the
 * application's own connection (a {@link JdbcConnectionDetails} bean, as {@code @ServiceConnection} does: the
 * application's DataSource, its Flyway or Liquibase migrations and the store all use it), and as
 * {@code level-mutex.postgres.url}, {@code .username} and {@code .password} when the application has no
 * DataSource or gives the store a database of its own.
 */
class LevelMutexEngineContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureLevelMutex annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureLevelMutex.class);
		if (annotation == null || annotation.engine() == AutoConfigureLevelMutex.Engine.CONFIGURED) {
			return null;
		}
		return new EngineCustomizer(annotation.engine());
	}

	/**
	 * Sets the engine; for POSTGRES, a fresh database per context. Equal for equal engines: contexts that differ only
	 * in their database share the cache entry.
	 */
	private static final class EngineCustomizer implements ContextCustomizer {

		/** The name level-mutex-spring-boot-autoconfigure's EngineSettings recognises: a switched engine only warns. */
		static final String PROPERTY_SOURCE = "levelMutexTestEngine";

		static final String JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

		private final AutoConfigureLevelMutex.Engine engine;

		EngineCustomizer(AutoConfigureLevelMutex.Engine engine) {
			this.engine = engine;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context,
				MergedContextConfiguration mergedConfig) {
			Map<String, Object> properties = new LinkedHashMap<>();
			if (this.engine == AutoConfigureLevelMutex.Engine.POSTGRES) {
				LevelMutexTestPostgres.Database database = LevelMutexTestPostgres.createDatabase();
				properties.put("level-mutex.store.engine", "postgres");
				if (ClassUtils.isPresent(JDBC_CONNECTION_DETAILS, context.getClassLoader())
						&& context instanceof BeanDefinitionRegistry registry) {
					ApplicationConnection.register(registry, database);
				}
				context.addBeanFactoryPostProcessor(new StoreConnection(context.getEnvironment(), properties, database));
			}
			else {
				properties.put("level-mutex.store.engine", "rocksdb");
			}
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof EngineCustomizer customizer && customizer.engine == this.engine;
		}

		@Override
		public int hashCode() {
			return this.engine.hashCode();
		}

	}

	/** The test database as the application's {@link JdbcConnectionDetails} (needs spring-boot-jdbc). */
	private static final class ApplicationConnection {

		static final String BEAN_NAME = "levelMutexTestJdbcConnectionDetails";

		static void register(BeanDefinitionRegistry registry, LevelMutexTestPostgres.Database database) {
			JdbcConnectionDetails details = new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return database.username();
				}

				@Override
				public String getPassword() {
					return database.password();
				}

				@Override
				public String getJdbcUrl() {
					return database.url();
				}

			};
			RootBeanDefinition definition = new RootBeanDefinition(JdbcConnectionDetails.class, () -> details);
			definition.setPrimary(true);
			registry.registerBeanDefinition(BEAN_NAME, definition);
		}

	}

	/**
	 * Points the store itself at the test database ({@code level-mutex.postgres.url}, {@code .username},
	 * {@code .password}) when it would not open on the application's DataSource: the application has none, or its
	 * configuration gives the store a database of its own. Decided once the bean definitions are known, before any
	 * bean binds the properties.
	 */
	private static final class StoreConnection implements BeanFactoryPostProcessor {

		private final ConfigurableEnvironment environment;

		/** The customizer's property source, first in the environment; written here before any bean binds it. */
		private final Map<String, Object> properties;

		private final LevelMutexTestPostgres.Database database;

		StoreConnection(ConfigurableEnvironment environment, Map<String, Object> properties,
				LevelMutexTestPostgres.Database database) {
			this.environment = environment;
			this.properties = properties;
			this.database = database;
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			boolean ownDatabase = this.environment.containsProperty("level-mutex.postgres.url");
			boolean noDataSource = beanFactory.getBeanNamesForType(DataSource.class, true, false).length == 0;
			if (ownDatabase || noDataSource) {
				this.properties.put("level-mutex.postgres.url", this.database.url());
				this.properties.put("level-mutex.postgres.username", this.database.username());
				this.properties.put("level-mutex.postgres.password", this.database.password());
			}
		}

	}

}
