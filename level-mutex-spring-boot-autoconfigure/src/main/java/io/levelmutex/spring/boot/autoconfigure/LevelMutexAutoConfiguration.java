package io.levelmutex.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.MutexDecorator;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexStoreCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for level-mutex: a {@link MutexStore} on
 * an embedded RocksDB directory, a {@link MutexRegistry} with the mutexes named under
 * {@code level-mutex.mutexes} (each also a bean of its name, typed by its configured codecs;
 * JSON through the application's Jackson {@code JsonMapper} via a {@link MutexCodecFactory}), and the
 * {@link MutexEventPublisher} that publishes their phases as Spring events. Every bean backs
 * off when the application defines its own; {@code level-mutex.enabled=false} switches it all
 * off.
 *
 * <p>Bad configuration fails at startup with an error naming the property.
 */
@AutoConfiguration
@ConditionalOnClass(MutexStore.class)
@ConditionalOnBooleanProperty(name = "level-mutex.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LevelMutexProperties.class)
@Import(NamedMutexBeanRegistrar.class)
@ImportRuntimeHints(LevelMutexRuntimeHints.class)
public final class LevelMutexAutoConfiguration {

	LevelMutexAutoConfiguration() {
	}

	@Bean
	@ConfigurationPropertiesBinding
	static EmptyMutexSettingsConverter levelMutexEmptyMutexSettingsConverter() {
		return new EmptyMutexSettingsConverter();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MutexStore mutexStore(LevelMutexProperties properties, ObjectProvider<MutexStoreCustomizer> customizers,
			ObjectProvider<BatchInterceptor> batchInterceptor) {
		Map<String, MutexOptions> mutexes = new MutexOptionsFactory(properties).configured();
		return MutexStore.open(new StoreOptionsFactory(properties).create(mutexes.values(),
				customizers.orderedStream().toList(), batchInterceptor.getIfUnique()));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "level-mutex.events.enabled", matchIfMissing = true)
	MutexEventPublisher mutexEventPublisher(LevelMutexProperties properties, ApplicationEventPublisher publisher) {
		LevelMutexProperties.Events events = properties.getEvents();
		MutexOptionsFactory.atLeastOne("level-mutex.events.queue-capacity", events.getQueueCapacity());
		return new MutexEventPublisher(publisher, events.getQueueCapacity(), events.isReads(), events.isWrites());
	}

	@Bean(NamedMutexFactory.BEAN_NAME)
	NamedMutexFactory levelMutexNamedMutexFactory(MutexRegistry registry, LevelMutexProperties properties,
			ObjectProvider<MutexCodecFactory> codecs, ObjectProvider<MutexDecorator> decorators) {
		return new NamedMutexFactory(registry, properties, codecs, decorators);
	}

	@Bean
	@ConditionalOnMissingBean
	MutexCodecFactory mutexCodecFactory() {
		return new DefaultMutexCodecFactory(null);
	}

	@Bean
	@ConditionalOnMissingBean(MutexRegistry.class)
	DefaultMutexRegistry mutexRegistry(MutexStore store, LevelMutexProperties properties,
			ObjectProvider<MutexEventPublisher> eventPublisher) {
		MutexOptionsFactory options = new MutexOptionsFactory(properties);
		List<Consumer<? super Mutex<byte[], byte[]>>> creationActions = new ArrayList<>();
		eventPublisher.ifAvailable((publisher) -> creationActions.add(publisher::attach));
		return new DefaultMutexRegistry(store, options.configured().values(),
				properties.isCreateOnDemand() ? options::onDemand : null, creationActions);
	}

	/** JSON codecs through the application's Jackson mapper. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonCodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MutexCodecFactory mutexCodecFactory(ObjectProvider<JsonMapper> jsonMapper) {
			return new DefaultMutexCodecFactory(jsonMapper.getIfAvailable());
		}

	}

}
