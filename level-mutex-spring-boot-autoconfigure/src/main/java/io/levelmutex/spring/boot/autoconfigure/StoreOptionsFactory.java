package io.levelmutex.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.StoreOptions;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Store;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns {@code level-mutex.store.*} (and the embedded engine's {@code level-mutex.rocksdb.durable}) into
 * {@link StoreOptions}, then applies the {@link MutexStoreCustomizer customizers} and the {@link BatchInterceptor}.
 * Every bad value fails with an {@link InvalidConfigurationPropertyValueException} naming the property.
 */
final class StoreOptionsFactory {

	private static final String STORE = "level-mutex.store.";

	private final Store store;

	private final boolean durable;

	StoreOptionsFactory(LevelMutexProperties properties) {
		this.store = properties.getStore();
		this.durable = properties.getRocksdb().isDurable();
	}

	/**
	 * Builds the options of the embedded RocksDB store: {@code level-mutex.rocksdb.durable},
	 * {@code cycle-threads} and {@code close-timeout}, then the customizers and the interceptor. The other
	 * RocksDB settings are {@link RocksStoreFactory}'s.
	 * @param customizers applied in order, after the properties
	 * @param interceptor the batch interceptor, if any
	 * @return the options
	 */
	StoreOptions createEmbedded(List<MutexStoreCustomizer> customizers, @Nullable BatchInterceptor interceptor) {
		return finish(StoreOptions.builder().durable(this.durable), customizers, interceptor);
	}

	/**
	 * Builds the options of a store on another engine than RocksDB (no directory): only
	 * {@code cycle-threads} and {@code close-timeout} apply, then the customizers and the interceptor.
	 * @param customizers applied in order, after the properties
	 * @param interceptor the batch interceptor, if any
	 * @return the options
	 */
	StoreOptions createForEngine(List<MutexStoreCustomizer> customizers, @Nullable BatchInterceptor interceptor) {
		return finish(StoreOptions.builder(), customizers, interceptor);
	}

	private StoreOptions finish(StoreOptions.Builder builder, List<MutexStoreCustomizer> customizers,
			@Nullable BatchInterceptor interceptor) {
		if (this.store.getCycleThreads() != null) {
			builder.cycleThreads(MutexOptionsFactory.atLeastOne(STORE + "cycle-threads", this.store.getCycleThreads()));
		}
		Duration closeTimeout = this.store.getCloseTimeout();
		if (closeTimeout.isNegative() || closeTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException(STORE + "close-timeout", closeTimeout,
					"must be positive");
		}
		builder.closeTimeout(closeTimeout);
		if (interceptor != null) {
			builder.batchInterceptor(interceptor);
		}
		customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

}
