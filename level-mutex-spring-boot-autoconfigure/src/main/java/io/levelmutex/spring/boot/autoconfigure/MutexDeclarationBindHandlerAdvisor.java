package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.convert.ConverterNotFoundException;

/**
 * Lets an empty value declare a mutex with no settings: {@code level-mutex.mutexes.orders=}
 * (in YAML {@code orders:} with nothing after it).
 *
 * <p>Spring Boot binds {@code Map<String, MutexSettings>} entry by entry: an entry's settings
 * are bound from every property source, so a setting from a later source
 * ({@code --level-mutex.mutexes.orders.durable=false}, an environment variable, a profile
 * file) is merged in, the highest-precedence source winning per key. The one case Boot cannot
 * bind is an entry whose only trace is its empty value: Boot tries to convert the text to
 * {@code MutexSettings}, finds no nested property and fails with
 * {@link ConverterNotFoundException}. This handler answers exactly that failure with a
 * {@code MutexSettings} of defaults. It never converts text and never runs when any setting of
 * the entry exists, so those always bind as Boot binds them. A value other than an empty one
 * fails, naming the property.
 */
final class MutexDeclarationBindHandlerAdvisor implements ConfigurationPropertiesBindHandlerAdvisor {

	static final ConfigurationPropertyName MUTEXES = ConfigurationPropertyName.of("level-mutex.mutexes");

	@Override
	public BindHandler apply(BindHandler bindHandler) {
		return new DeclarationHandler(bindHandler);
	}

	/** Answers the failed binding of an empty mutex declaration with default settings. */
	private static final class DeclarationHandler extends AbstractBindHandler {

		DeclarationHandler(BindHandler parent) {
			super(parent);
		}

		@Override
		public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Exception error) throws Exception {
			if (!MUTEXES.isParentOf(name) || !MutexSettings.class.equals(target.getType().resolve())
					|| !(error instanceof ConverterNotFoundException)) {
				return super.onFailure(name, target, context, error);
			}
			Object value = directValue(name, context);
			if (value != null && !value.toString().isBlank()) {
				throw new IllegalStateException("A mutex is declared with an empty value (" + name + "=) or configured"
						+ " with nested properties such as " + name + ".prefix, not with the value '" + value + "'");
			}
			return super.onSuccess(name, target, context, new MutexSettings());
		}

		private static @Nullable Object directValue(ConfigurationPropertyName name, BindContext context) {
			for (ConfigurationPropertySource source : context.getSources()) {
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property != null) {
					return property.getValue();
				}
			}
			return null;
		}

	}

}
