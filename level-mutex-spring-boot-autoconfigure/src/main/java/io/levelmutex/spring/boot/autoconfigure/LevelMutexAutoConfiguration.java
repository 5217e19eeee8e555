package io.levelmutex.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.rocksdb.StoreLockedException;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.MutexDecorator;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.RocksStoreCustomizer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for level-mutex: a {@link MutexStore} on
 * an embedded RocksDB directory (unless {@code level-mutex.store.engine=postgres}, see
 * {@link LevelMutexPostgresAutoConfiguration}), a {@link MutexRegistry} with the mutexes declared under
 * {@code level-mutex.mutexes} (each also a bean of its name, typed by its configured codecs;
 * JSON through the application's Jackson {@code JsonMapper} via a {@link MutexCodecFactory}), and the
 * {@link MutexEventPublisher} that publishes their phases as Spring events. Every bean backs
 * off when the application defines its own; {@code level-mutex.enabled=false} switches it all
 * off.
 *
 * <p>Every {@link BatchInterceptor} bean is called before each batch, in {@code @Order}. Bad
 * configuration fails at startup with an error naming the property, and so does a bean of
 * another type under a declared mutex's name.
 */
@AutoConfiguration
@ConditionalOnClass(MutexStore.class)
@ConditionalOnBooleanProperty(name = "level-mutex.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LevelMutexProperties.class)
@Import(NamedMutexBeanRegistrar.class)
@ImportRuntimeHints(LevelMutexRuntimeHints.class)
public final class LevelMutexAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LevelMutexAutoConfiguration.class);

	LevelMutexAutoConfiguration() {
	}

	@Bean
	static MutexDeclarationBindHandlerAdvisor levelMutexDeclarationBindHandlerAdvisor() {
		return new MutexDeclarationBindHandlerAdvisor();
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
			ObjectProvider<MutexCodecFactory> codecs) {
		return new NamedMutexFactory(registry, properties, codecs);
	}

	@Bean
	@ConditionalOnMissingBean
	MutexCodecFactory mutexCodecFactory() {
		return new DefaultMutexCodecFactory(null);
	}

	@Bean
	@ConditionalOnMissingBean(MutexRegistry.class)
	DefaultMutexRegistry mutexRegistry(MutexStore store, LevelMutexProperties properties, Environment environment,
			ListableBeanFactory beanFactory, ObjectProvider<MutexEventPublisher> eventPublisher,
			ObjectProvider<StoreDirectory> directory, ObjectProvider<MutexDecorator> decorators) {
		MutexOptionsFactory options = optionsFactory(properties, environment);
		Map<String, MutexOptions> configured = options.configured();
		MutexBeanNames.checkNoClash(beanFactory, configured.keySet());
		List<Consumer<? super Mutex<byte[], byte[]>>> creationActions = new ArrayList<>();
		eventPublisher.ifAvailable((publisher) -> creationActions.add(publisher::attach));
		DefaultMutexRegistry registry = new DefaultMutexRegistry(store, configured.values(),
				properties.isCreateOnDemand() ? options::onDemand : null, creationActions, decorate(decorators));
		if (logger.isInfoEnabled()) {
			logger.info("level-mutex store " + store.description() + " (durable=" + store.options().durable()
					+ ((directory.getIfAvailable() != null && directory.getObject().isTemporary()) ? ", temporary" : "")
					+ "), mutexes: " + (configured.isEmpty() ? "none declared" : String.join(", ", configured.keySet()))
					+ (properties.isCreateOnDemand() ? " (others created on demand)" : ""));
		}
		return registry;
	}

	/** The MutexDecorator beans in their order, the first innermost. */
	private static UnaryOperator<Mutex<byte[], byte[]>> decorate(ObjectProvider<MutexDecorator> decorators) {
		return (mutex) -> {
			Mutex<byte[], byte[]> decorated = mutex;
			for (MutexDecorator decorator : decorators.orderedStream().toList()) {
				decorated = decorator.decorate(decorated);
			}
			return decorated;
		};
	}

	static @Nullable BatchInterceptor batchInterceptor(ObjectProvider<BatchInterceptor> batchInterceptors) {
		List<BatchInterceptor> interceptors = batchInterceptors.orderedStream().toList();
		return switch (interceptors.size()) {
			case 0 -> null;
			case 1 -> interceptors.get(0);
			default -> new CompositeBatchInterceptor(interceptors);
		};
	}

	static MutexOptionsFactory optionsFactory(LevelMutexProperties properties, Environment environment) {
		return new MutexOptionsFactory(properties.getDefaults(), MutexDeclarations.settings(properties, environment));
	}

	/**
	 * The embedded RocksDB engine: the default, {@code level-mutex.store.engine=rocksdb}, when
	 * {@code level-mutex-rocksdb} is on the class path (the starter brings it).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.levelmutex.rocksdb.RocksStore")
	@ConditionalOnProperty(name = "level-mutex.store.engine", havingValue = "rocksdb", matchIfMissing = true)
	static class RocksDBStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(MutexStore.class)
		StoreDirectory levelMutexStoreDirectory(LevelMutexProperties properties, Environment environment) {
			EngineSettings.checkForRocksDB(environment);
			return StoreDirectory.of(properties.getRocksdb());
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		MutexStore mutexStore(LevelMutexProperties properties, Environment environment, StoreDirectory directory,
				ObjectProvider<MutexStoreCustomizer> customizers, ObjectProvider<BatchInterceptor> batchInterceptors,
				ObjectProvider<RocksStoreCustomizer> rocksCustomizers) {
			Map<String, MutexOptions> mutexes = optionsFactory(properties, environment).configured();
			try {
				return new RocksStoreFactory(properties).open(directory.path(), mutexes.values(),
						new StoreOptionsFactory(properties).createEmbedded(customizers.orderedStream().toList(),
								batchInterceptor(batchInterceptors)),
						rocksCustomizers.orderedStream().toList());
			}
			catch (StoreLockedException ex) {
				throw new InvalidConfigurationPropertyValueException(directory.property(),
						directory.isTemporary() ? Boolean.TRUE : properties.getRocksdb().getPath(),
						"the directory " + directory.path() + " is locked by another open store (in this process or"
								+ " another): give each application its own level-mutex.rocksdb.path, close the"
								+ " other store, or in tests set level-mutex.rocksdb.temporary=true"
								+ " (@AutoConfigureLevelMutex)");
			}
		}

	}

	/**
	 * {@code level-mutex.store.engine=rocksdb} (the default) without {@code level-mutex-rocksdb} and without a
	 * store: fails startup, explained by {@link RocksDBEngineFailureAnalyzer}, naming the dependency and the
	 * engine setting, rather than with Spring's missing-bean error.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(RocksDBEngineUnavailableException.ROCKS_STORE)
	@ConditionalOnProperty(name = "level-mutex.store.engine", havingValue = "rocksdb", matchIfMissing = true)
	static class MissingRocksDBEngineConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MutexStore mutexStore() {
			throw new RocksDBEngineUnavailableException();
		}

	}

	/**
	 * {@code level-mutex.store.engine=postgres} without a store: the PostgreSQL engine's module is missing (or its
	 * auto-configuration excluded). Fails startup, explained by {@link PostgresEngineFailureAnalyzer}, rather than
	 * silently opening an embedded store that other instances would not share.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "level-mutex.store.engine", havingValue = "postgres")
	static class MissingPostgresEngineConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MutexStore mutexStore(ResourceLoader resourceLoader) {
			throw PostgresEngineUnavailableException.engineMissing(
					ClassUtils.isPresent(PostgresEngineUnavailableException.POSTGRES_STORE, resourceLoader.getClassLoader()));
		}

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
