package io.levelmutex.spring.boot.test.autoconfigure;

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
 * For a test class annotated {@code @AutoConfigureLevelMutex(engine = POSTGRES)}: gives each application context a
 * fresh database on the JVM's {@link LevelMutexTestPostgres private cluster}, as {@code level-mutex.postgres.url},
 * {@code .username} and {@code .password} (above every other property source).
 */
class LevelMutexPostgresContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureLevelMutex annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureLevelMutex.class);
		if (annotation == null || annotation.engine() != AutoConfigureLevelMutex.Engine.POSTGRES) {
			return null;
		}
		return new PrivateDatabase();
	}

	/** Equal to every other: contexts that differ only in their database share the cache entry. */
	private static final class PrivateDatabase implements ContextCustomizer {

		static final String PROPERTY_SOURCE = "levelMutexTestPostgres";

		@Override
		public void customizeContext(ConfigurableApplicationContext context,
				MergedContextConfiguration mergedConfig) {
			LevelMutexTestPostgres.Database database = LevelMutexTestPostgres.createDatabase();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE,
						Map.of("level-mutex.postgres.url", database.url(), "level-mutex.postgres.username",
								database.username(), "level-mutex.postgres.password", database.password())));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof PrivateDatabase;
		}

		@Override
		public int hashCode() {
			return PrivateDatabase.class.hashCode();
		}

	}

}
