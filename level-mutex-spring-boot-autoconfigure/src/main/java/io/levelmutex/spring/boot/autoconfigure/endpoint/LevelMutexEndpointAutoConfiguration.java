package io.levelmutex.spring.boot.autoconfigure.endpoint;

import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.actuate.endpoint.MutexesEndpoint;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link MutexesEndpoint}. Active
 * when the actuator is on the classpath, a {@link MutexRegistry} exists and the endpoint is
 * available (exposed, e.g. {@code management.endpoints.web.exposure.include=mutexes}, and not
 * disabled).
 */
@AutoConfiguration(after = LevelMutexAutoConfiguration.class)
@ConditionalOnClass({ MutexesEndpoint.class, ConditionalOnAvailableEndpoint.class })
public final class LevelMutexEndpointAutoConfiguration {

	LevelMutexEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnBean(MutexRegistry.class)
	@ConditionalOnMissingBean
	MutexesEndpoint mutexesEndpoint(MutexRegistry registry) {
		return new MutexesEndpoint(registry);
	}

}
