package io.levelmutex.spring.boot.autoconfigure;

import java.util.List;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.MutexDecorator;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The factory bean of the named mutex beans ({@link NamedMutexBeanRegistrar} registers each
 * with this bean as factory bean and {@link #mutex(String)} as factory method, which Spring
 * AOT can generate code for): the registry's mutex, seen through the codecs its configuration
 * names, wrapped by the {@link MutexDecorator} beans.
 */
final class NamedMutexFactory {

	/** The bean name the named mutex definitions refer to. */
	static final String BEAN_NAME = "levelMutexNamedMutexFactory";

	private final MutexRegistry registry;

	private final LevelMutexProperties properties;

	private final ObjectProvider<MutexCodecFactory> codecs;

	private final ObjectProvider<MutexDecorator> decorators;

	NamedMutexFactory(MutexRegistry registry, LevelMutexProperties properties,
			ObjectProvider<MutexCodecFactory> codecs, ObjectProvider<MutexDecorator> decorators) {
		this.registry = registry;
		this.properties = properties;
		this.codecs = codecs;
		this.decorators = decorators;
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
		Mutex<?, ?> mutex = type.view(this.registry.mutex(name), this.codecs.getObject());
		List<MutexDecorator> ordered = this.decorators.orderedStream().toList();
		for (MutexDecorator decorator : ordered) {
			mutex = decorator.decorate(mutex);
		}
		return mutex;
	}

}
