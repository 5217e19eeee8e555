package io.levelmutex.spring.boot.autoconfigure.health;

import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties;
import io.levelmutex.spring.boot.health.MutexHealthIndicator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link MutexHealthIndicator}: one
 * health contributor, {@code levelMutex}, for the store and its mutexes. Active when
 * {@code spring-boot-health} is on the classpath and a {@link MutexRegistry} exists; disable
 * it with {@code management.health.levelmutex.enabled=false}.
 */
@AutoConfiguration(after = LevelMutexAutoConfiguration.class)
@ConditionalOnClass({ MutexHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(MutexRegistry.class)
public final class LevelMutexHealthContributorAutoConfiguration {

	LevelMutexHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnEnabledHealthIndicator("levelmutex")
	@ConditionalOnMissingBean(name = { "levelMutexHealthIndicator", "levelMutexHealthContributor" })
	MutexHealthIndicator levelMutexHealthIndicator(MutexRegistry registry,
			ObjectProvider<MutexEventPublisher> eventPublisher, LevelMutexProperties properties) {
		return new MutexHealthIndicator(registry, eventPublisher.getIfAvailable(),
				properties.getHealth().getStallTimeout());
	}

}
