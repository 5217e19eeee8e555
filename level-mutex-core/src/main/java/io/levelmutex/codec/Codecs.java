package io.levelmutex.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The built-in codecs.
 *
 * <ul>
 * <li>{@link #bytes()}: identity, the bytes as given (level-mutex's {@code binary}).</li>
 * <li>{@link #utf8()}: strings as UTF-8 (level-mutex's default {@code utf8}); UTF-8 byte order
 * equals code point order, so string ranges behave as expected.</li>
 * <li>{@link #json(Class)}: any Jackson-mappable type as JSON (level-mutex's {@code json});
 * needs Jackson 3 ({@code tools.jackson.core:jackson-databind}) on the class path.</li>
 * </ul>
 */
public final class Codecs {

	private static final Codec<byte[]> BYTES = new Codec<>() {
		@Override
		public byte[] encode(byte[] value) {
			return value;
		}

		@Override
		public byte[] decode(byte[] bytes) {
			return bytes;
		}

		@Override
		public String name() {
			return "bytes";
		}
	};

	private static final Codec<String> UTF8 = new Codec<>() {
		@Override
		public byte[] encode(String value) {
			return value.getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public String decode(byte[] bytes) {
			try {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes))
					.toString();
			}
			catch (CharacterCodingException ex) {
				throw new CodecException("Stored bytes are not valid UTF-8 (" + bytes.length + " bytes)", ex);
			}
		}

		@Override
		public String name() {
			return "utf8";
		}
	};

	private Codecs() {
	}

	public static Codec<Long> int64() {
		throw new UnsupportedOperationException();
	}

	public static Codec<Integer> int32() {
		throw new UnsupportedOperationException();
	}

	/**
	 * The identity codec. The arrays are not copied: do not modify an array after handing it
	 * to a write, nor one you received from a read if other code may see it.
	 * @return the bytes codec
	 */
	public static Codec<byte[]> bytes() {
		return BYTES;
	}

	/**
	 * Strings as UTF-8. Decoding rejects malformed UTF-8 with a {@link CodecException}.
	 * @return the UTF-8 codec
	 */
	public static Codec<String> utf8() {
		return UTF8;
	}

	/**
	 * Values of one type as JSON, with a default Jackson 3 {@code JsonMapper}.
	 * @param <T> the value type
	 * @param type the value type
	 * @return a JSON codec
	 * @throws IllegalStateException if Jackson 3 is not on the class path
	 */
	public static <T> Codec<T> json(Class<T> type) {
		return JacksonCodec.of(type);
	}

	/**
	 * Values of one type as JSON, with the given Jackson 3 mapper (an
	 * {@code tools.jackson.databind.ObjectMapper}, typed as {@code Object} so that this class
	 * loads without Jackson).
	 * @param <T> the value type
	 * @param mapper a {@code tools.jackson.databind.ObjectMapper}
	 * @param type the value type
	 * @return a JSON codec
	 * @throws IllegalArgumentException if {@code mapper} is not a Jackson 3 {@code ObjectMapper}
	 */
	public static <T> Codec<T> json(Object mapper, Class<T> type) {
		return JacksonCodec.of(mapper, type);
	}

	/**
	 * The built-in codec with the given name: {@code bytes} (alias {@code binary}), {@code utf8}
	 * (alias {@code string}), or {@code json} (values decoded as Jackson trees, i.e.
	 * {@code tools.jackson.databind.JsonNode}).
	 * @param name the codec's name, case-insensitive
	 * @return the codec
	 * @throws IllegalArgumentException for an unknown name
	 */
	public static Codec<?> named(String name) {
		return switch (name.toLowerCase(java.util.Locale.ROOT)) {
			case "bytes", "binary" -> bytes();
			case "utf8", "utf-8", "string" -> utf8();
			case "json" -> JacksonCodec.tree();
			default -> throw new IllegalArgumentException(
					"Unknown codec '" + name + "': expected one of bytes, utf8, json");
		};
	}

}
