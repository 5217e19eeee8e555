package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.Mutex;
import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings.KeyCodec;
import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.MutexSettings.ValueCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The type of one named mutex bean, {@code Mutex<K, V>}, from its {@code key-codec},
 * {@code value-codec} and {@code value-type}; and the codecs that give a mutex that type.
 *
 * @param name the mutex's name
 * @param keyCodec the key codec
 * @param valueCodec the value codec
 * @param valueType the value type
 */
record MutexBeanType(String name, KeyCodec keyCodec, ValueCodec valueCodec, Class<?> valueType) {

	static final String JSON_NODE = "tools.jackson.databind.JsonNode";

	/**
	 * Checks a mutex's codec settings.
	 * @param name the mutex's name
	 * @param keyCodec the key codec
	 * @param valueCodec the value codec, {@code null} for the default
	 * @param valueType the value type, {@code null} for the default
	 * @param classLoader to load Jackson's JsonNode
	 * @return the bean type
	 * @throws InvalidConfigurationPropertyValueException if the settings do not fit together
	 */
	static MutexBeanType of(String name, KeyCodec keyCodec, @Nullable ValueCodec valueCodec,
			@Nullable Class<?> valueType, @Nullable ClassLoader classLoader) {
		ValueCodec codec = (valueCodec != null) ? valueCodec : (valueType != null) ? ValueCodec.JSON : ValueCodec.BYTES;
		if (valueType != null && codec != ValueCodec.JSON) {
			throw new InvalidConfigurationPropertyValueException(property(name, "value-type"), valueType.getName(),
					"a value type applies to the 'json' value codec only, but 'level-mutex.mutexes." + name
							+ ".value-codec' is '" + codec.name().toLowerCase(java.util.Locale.ROOT) + "'");
		}
		Class<?> type = switch (codec) {
			case BYTES -> byte[].class;
			case UTF8 -> String.class;
			case LONG -> Long.class;
			case INT -> Integer.class;
			case JSON -> {
				Class<?> jsonNode = jsonNode(name, classLoader);
				yield (valueType != null) ? valueType : jsonNode;
			}
		};
		return new MutexBeanType(name, keyCodec, codec, type);
	}

	/**
	 * The bean type of a configured mutex, bound from the environment (before the
	 * configuration properties bean exists).
	 * @param binder the binder
	 * @param name the mutex's name
	 * @param classLoader the class loader
	 * @return the bean type
	 */
	static MutexBeanType bind(Binder binder, String name, @Nullable ClassLoader classLoader) {
		KeyCodec keyCodec = binder.bind(bindable(name, "key-codec"), KeyCodec.class).orElse(KeyCodec.BYTES);
		ValueCodec valueCodec = binder.bind(bindable(name, "value-codec"), ValueCodec.class).orElse(null);
		Class<?> valueType = binder.bind(bindable(name, "value-type"), Bindable.of(Class.class)).orElse(null);
		return of(name, keyCodec, valueCodec, valueType, classLoader);
	}

	private static Class<?> jsonNode(String name, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(JSON_NODE, classLoader)) {
			throw new InvalidConfigurationPropertyValueException(property(name, "value-codec"), "json",
					"the 'json' value codec needs Jackson 3 (tools.jackson.core:jackson-databind) on the class path");
		}
		return ClassUtils.resolveClassName(JSON_NODE, classLoader);
	}

	/** The property's name in messages. */
	static String property(String name, String key) {
		return "level-mutex.mutexes." + name + "." + key;
	}

	/** The property's name to bind: any mutex name, in brackets. */
	private static String bindable(String name, String key) {
		return "level-mutex.mutexes[" + name + "]." + key;
	}

	/**
	 * The key class: {@code byte[]} or {@code String}.
	 * @return the key class
	 */
	Class<?> keyType() {
		return switch (this.keyCodec) {
			case BYTES -> byte[].class;
			case UTF8 -> String.class;
			case LONG -> Long.class;
			case INT -> Integer.class;
		};
	}

	/**
	 * The bean's type.
	 * @return {@code Mutex<K, V>}
	 */
	ResolvableType resolvableType() {
		return ResolvableType.forClassWithGenerics(Mutex.class, keyType(), this.valueType);
	}

	/**
	 * Whether the bean is the registry's mutex itself, {@code Mutex<byte[], byte[]>}.
	 * @return {@code true} for bytes keys and values
	 */
	boolean isBytes() {
		return this.keyCodec == KeyCodec.BYTES && this.valueCodec == ValueCodec.BYTES;
	}

	/**
	 * A view of the mutex with this type's codecs.
	 * @param mutex the registry's mutex
	 * @param codecs makes JSON codecs
	 * @return the view, or {@code mutex} itself for bytes keys and values
	 */
	Mutex<?, ?> view(Mutex<byte[], byte[]> mutex, MutexCodecFactory codecs) {
		if (isBytes()) {
			return mutex;
		}
		Codec<?> key = switch (this.keyCodec) {
			case BYTES -> Codecs.bytes();
			case UTF8 -> Codecs.utf8();
			case LONG -> Codecs.int64();
			case INT -> Codecs.int32();
		};
		Codec<?> value = switch (this.valueCodec) {
			case BYTES -> Codecs.bytes();
			case UTF8 -> Codecs.utf8();
			case LONG -> Codecs.int64();
			case INT -> Codecs.int32();
			case JSON -> codecs.json(this.valueType);
		};
		return mutex.withCodecs(key, value);
	}

	/**
	 * How the type reads in messages, e.g. {@code Mutex<String, com.example.Order>}.
	 * @return the type's description
	 */
	String describe() {
		return describe(resolvableType());
	}

	static String describe(ResolvableType type) {
		Class<?> raw = type.toClass();
		if (!type.hasGenerics()) {
			return raw.getSimpleName();
		}
		StringBuilder text = new StringBuilder(raw.getSimpleName()).append('<');
		ResolvableType[] generics = type.getGenerics();
		for (int i = 0; i < generics.length; i++) {
			text.append((i > 0) ? ", " : "").append(typeName(generics[i]));
		}
		return text.append('>').toString();
	}

	private static String typeName(ResolvableType type) {
		Class<?> resolved = type.resolve();
		if (resolved == null) {
			return type.toString();
		}
		if (resolved.isArray() || resolved.getName().startsWith("java.lang.")) {
			return resolved.getSimpleName();
		}
		return type.hasGenerics() ? type.toString() : resolved.getName();
	}

}
