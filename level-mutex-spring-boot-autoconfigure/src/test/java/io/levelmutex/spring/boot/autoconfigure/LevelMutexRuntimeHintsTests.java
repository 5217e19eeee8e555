package io.levelmutex.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LevelMutexRuntimeHints} for the PostgreSQL engine: its schema script is a resource of the image when the
 * engine is on the classpath, and nothing is registered for it when it is not.
 */
class LevelMutexRuntimeHintsTests {

	private static final String SCHEMA = PostgresSchema.RESOURCE;

	@Test
	void whenThePostgresEngineIsOnTheClasspathThenItsSchemaScriptIsARegisteredResource() {
		RuntimeHints hints = new RuntimeHints();
		new LevelMutexRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(getClass().getClassLoader().getResource(SCHEMA)).as("the engine reads this script").isNotNull();
		assertThat(RuntimeHintsPredicates.resource().forResource(SCHEMA)).accepts(hints);
	}

	@Test
	void whenThePostgresEngineIsAbsentThenNoSchemaResourceIsRegistered() {
		RuntimeHints hints = new RuntimeHints();
		new LevelMutexRuntimeHints().registerHints(hints,
				new FilteredClassLoader(PostgresEngineUnavailableException.POSTGRES_STORE));
		assertThat(RuntimeHintsPredicates.resource().forResource(SCHEMA)).rejects(hints);
	}

}
