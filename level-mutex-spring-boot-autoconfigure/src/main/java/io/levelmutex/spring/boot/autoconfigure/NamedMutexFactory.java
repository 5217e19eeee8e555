package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The factory bean of the named mutex beans ({@link NamedMutexBeanRegistrar} registers each
 * with this bean as factory bean and {@link #mutex(String)} as factory method, which Spring
 * AOT can generate code for): the registry's mutex (wrapped by the {@link MutexDecorator} beans when the registry
 * created it), seen through the codecs its configuration names; for bytes keys and values, the registry's instance
 * itself.
 */
final class NamedMutexFactory {

	/** The bean name the named mutex definitions refer to. */
	static final String BEAN_NAME = "levelMutexNamedMutexFactory";

	private final MutexRegistry registry;

	private final LevelMutexProperties properties;

	private final ObjectProvider<MutexCodecFactory> codecs;

	NamedMutexFactory(MutexRegistry registry, LevelMutexProperties properties,
			ObjectProvider<MutexCodecFactory> codecs) {
		this.registry = registry;
		this.properties = properties;
		this.codecs = codecs;
	}

	/**
	 * The bean of one configured mutex.
	 * @param name the mutex's name
	 * @return the mutex, typed by its codecs
	 */
	Mutex<?, ?> mutex(String name) {
		MutexSettings settings = this.properties.getMutexes().get(name);
		MutexBeanType type = (settings != null)
				? MutexBeanType.of(name, settings.getKeyCodec(), settings.getValueCodec(), settings.getValueType(),
						getClass().getClassLoader())
				: MutexBeanType.of(name, MutexSettings.KeyCodec.BYTES, null, null, getClass().getClassLoader());
		// The registry's mutex is already decorated: a bytes bean is that very instance, a typed one its view
		// (a decorator keeps its wrapping in withCodecs).
		return type.view(this.registry.mutex(name), this.codecs.getObject());
	}

}
