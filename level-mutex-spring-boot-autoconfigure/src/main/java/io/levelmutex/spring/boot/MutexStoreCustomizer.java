package io.levelmutex.spring.boot;

import io.levelmutex.StoreOptions;

/**
 * Tunes the {@link StoreOptions} the auto-configured store opens with, after the
 * {@code level-mutex.store.*} properties were applied. Declare beans of this type to set
 * the engine-neutral store options: a cycle executor, and so on.
 * Customizers run in {@link org.springframework.core.Ordered order}, once, on the thread
 * creating the store; one that throws fails the application's startup.
 */
@FunctionalInterface
public interface MutexStoreCustomizer {

	/**
	 * Customizes the store's options.
	 * @param builder the builder, with the properties already applied
	 */
	void customize(StoreOptions.Builder builder);

}
