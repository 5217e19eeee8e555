package io.levelmutex.spring.boot.test.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * For a test class annotated {@code @AutoConfigureLevelMutex(engine = ...)} other than {@code CONFIGURED}: sets
 * {@code level-mutex.store.engine} above every other property source, and for {@code POSTGRES} gives each
 * application context a fresh database on the JVM's {@link LevelMutexTestPostgres private cluster}, as
 * {@code level-mutex.postgres.url}, {@code .username} and {@code .password}.
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

		static final String PROPERTY_SOURCE = "levelMutexTestEngine";

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
				properties.put("level-mutex.postgres.url", database.url());
				properties.put("level-mutex.postgres.username", database.username());
				properties.put("level-mutex.postgres.password", database.password());
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

}
