package io.levelmutex.spring.boot.autoconfigure.observation;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.observation.MutexObservations;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for level-mutex tracing: with an
 * {@link ObservationRegistry} bean (Spring Boot's Micrometer Observation support), observes
 * every mutex's batches and read phases, and the {@code update()} calls of the named mutex
 * beans (see {@link MutexObservations}). Without an {@code ObservationRegistry} bean, nothing
 * is registered and no mutex is wrapped. Spring Boot's
 * {@code management.observations.enable.level.mutex=false} turns the observations off.
 */
@AutoConfiguration(after = LevelMutexAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, MutexRegistry.class })
public final class LevelMutexObservationAutoConfiguration {

	LevelMutexObservationAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	MutexObservations mutexObservations(ObservationRegistry observationRegistry) {
		return new MutexObservations(observationRegistry);
	}

	@Bean(destroyMethod = "close")
	Mutex.ListenerRegistration levelMutexPhaseObservations(MutexObservations observations, MutexRegistry registry) {
		return observations.observePhases(registry);
	}

}
