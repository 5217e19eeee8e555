package io.levelmutex.spring.boot;

import io.levelmutex.codec.Codec;

/**
 * Makes the JSON codecs of the typed mutex beans ({@code level-mutex.mutexes.<name>.value-codec=json}).
 * The auto-configured one encodes through the application's Jackson {@code JsonMapper} bean
 * when there is one (so {@code spring.jackson.*} applies), else through Jackson's default
 * mapper. Define a bean of this type to replace it.
 */
public interface MutexCodecFactory {

	/**
	 * A JSON codec for values of one type.
	 * @param <T> the value type
	 * @param type the value type
	 * @return a thread-safe codec; decoding bytes that are not JSON of {@code type} fails with
	 * {@link io.levelmutex.codec.CodecException}
	 * @throws IllegalStateException if no JSON mapper is available
	 */
	<T> Codec<T> json(Class<T> type);

}
