package io.levelmutex.codec;

/**
 * Turns values of one type into bytes and back.
 *
 * <p>Implementations must be thread-safe and stateless from the caller's view: a mutex may
 * call a codec from any thread, including its cycle thread. {@link #encode} must never return
 * {@code null}; {@link #decode} receives exactly the bytes {@code encode} produced earlier (or
 * bytes written by another codec, in which case it should throw {@link CodecException}).
 *
 * <p>A codec used for keys must preserve the order the caller expects from range reads:
 * stored keys are ordered by unsigned lexicographic comparison of their bytes.
 *
 * @param <T> the Java type
 */
public interface Codec<T> {

	/**
	 * Encodes a value.
	 * @param value the value, never {@code null}
	 * @return its bytes, never {@code null}
	 * @throws CodecException if the value cannot be encoded
	 */
	byte[] encode(T value);

	/**
	 * Decodes bytes produced by {@link #encode}.
	 * @param bytes the stored bytes
	 * @return the value, never {@code null}
	 * @throws CodecException if the bytes are not a valid encoding
	 */
	T decode(byte[] bytes);

	/**
	 * A short name for messages and configuration, e.g. {@code "utf8"}.
	 * @return the codec's name
	 */
	default String name() {
		return getClass().getSimpleName();
	}

}
