package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.codec.Codec;
import io.levelmutex.codec.Codecs;
import io.levelmutex.spring.boot.MutexCodecFactory;
import org.jspecify.annotations.Nullable;

/**
 * The auto-configured {@link MutexCodecFactory}: JSON through the application's
 * {@code JsonMapper} bean, or through Jackson's default mapper when there is none.
 */
final class DefaultMutexCodecFactory implements MutexCodecFactory {

	/** A {@code tools.jackson.databind.ObjectMapper}, or {@code null}; immutable. */
	private final @Nullable Object jsonMapper;

	DefaultMutexCodecFactory(@Nullable Object jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public <T> Codec<T> json(Class<T> type) {
		return (this.jsonMapper != null) ? Codecs.json(this.jsonMapper, type) : Codecs.json(type);
	}

	@Override
	public String toString() {
		return "DefaultMutexCodecFactory[" + ((this.jsonMapper != null) ? "application JsonMapper" : "default mapper")
				+ "]";
	}

}
