package io.levelmutex.spring.boot.autoconfigure.metrics;

import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.metrics.MutexMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link MutexMetrics}: a
 * {@link MeterBinder} bean, bound to every meter registry by Spring Boot's metrics support.
 * Active when micrometer-core is on the classpath and a {@link MutexRegistry} exists.
 */
@AutoConfiguration(after = LevelMutexAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(MutexRegistry.class)
public final class LevelMutexMetricsAutoConfiguration {

	LevelMutexMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	MutexMetrics levelMutexMetrics(MutexRegistry registry, ObjectProvider<MutexEventPublisher> eventPublisher) {
		return new MutexMetrics(registry, eventPublisher.getIfAvailable());
	}

}
