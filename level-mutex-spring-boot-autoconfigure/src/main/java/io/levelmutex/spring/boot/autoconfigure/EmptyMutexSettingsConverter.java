package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;

import org.springframework.core.convert.converter.Converter;

/**
 * Lets a mutex be declared with no settings at all, {@code level-mutex.mutexes.orders=} (in
 * YAML, {@code orders:} with nothing after it): the empty value binds to the defaults. Any
 * other value is refused, pointing at the nested properties.
 */
final class EmptyMutexSettingsConverter implements Converter<String, MutexSettings> {

	@Override
	public MutexSettings convert(String source) {
		if (!source.isBlank()) {
			throw new IllegalArgumentException("A mutex is configured with nested properties, such as"
					+ " level-mutex.mutexes.<name>.prefix, not with a value ('" + source + "')");
		}
		return new MutexSettings();
	}

}
