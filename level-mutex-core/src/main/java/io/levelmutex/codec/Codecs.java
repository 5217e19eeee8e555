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

	private static final Codec<Long> INT64 = new Codec<>() {
		@Override
		public byte[] encode(Long value) {
			long flipped = value ^ Long.MIN_VALUE;
			byte[] bytes = new byte[Long.BYTES];
			for (int i = Long.BYTES - 1; i >= 0; i--) {
				bytes[i] = (byte) flipped;
				flipped >>>= 8;
			}
			return bytes;
		}

		@Override
		public Long decode(byte[] bytes) {
			checkLength(bytes, Long.BYTES, "long");
			long value = 0;
			for (byte b : bytes) {
				value = (value << 8) | (b & 0xff);
			}
			return value ^ Long.MIN_VALUE;
		}

		@Override
		public String name() {
			return "long";
		}
	};

	private static final Codec<Integer> INT32 = new Codec<>() {
		@Override
		public byte[] encode(Integer value) {
			int flipped = value ^ Integer.MIN_VALUE;
			return new byte[] { (byte) (flipped >>> 24), (byte) (flipped >>> 16), (byte) (flipped >>> 8),
					(byte) flipped };
		}

		@Override
		public Integer decode(byte[] bytes) {
			checkLength(bytes, Integer.BYTES, "int");
			int value = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
					| (bytes[3] & 0xff);
			return value ^ Integer.MIN_VALUE;
		}

		@Override
		public String name() {
			return "int";
		}
	};

	private static void checkLength(byte[] bytes, int expected, String codec) {
		if (bytes.length != expected) {
			throw new CodecException("Stored bytes are not a value of the " + codec + " codec: expected " + expected
					+ " bytes, got " + bytes.length);
		}
	}

	private Codecs() {
	}

	/**
	 * {@code long} values as 8 bytes, big-endian with the sign bit flipped, so that the bytewise
	 * (unsigned) order of the encodings, which is the order of keys in a store, is the numeric
	 * order: {@code Long.MIN_VALUE} first, {@code -1} just before {@code 0}. Decoding anything
	 * but 8 bytes fails with a {@link CodecException} naming the size.
	 * @return the long codec, named {@code long}
	 */
	public static Codec<Long> int64() {
		return INT64;
	}

	/**
	 * {@code int} values as 4 bytes, big-endian with the sign bit flipped, so that the bytewise
	 * (unsigned) order of the encodings is the numeric order. Decoding anything but 4 bytes
	 * fails with a {@link CodecException} naming the size.
	 * @return the int codec, named {@code int}
	 */
	public static Codec<Integer> int32() {
		return INT32;
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
	 * (alias {@code string}), {@code long} (alias {@code int64}), {@code int} (alias
	 * {@code int32}), or {@code json} (values decoded as Jackson trees, i.e.
	 * {@code tools.jackson.databind.JsonNode}).
	 * @param name the codec's name, case-insensitive
	 * @return the codec
	 * @throws IllegalArgumentException for an unknown name
	 */
	public static Codec<?> named(String name) {
		return switch (name.toLowerCase(java.util.Locale.ROOT)) {
			case "bytes", "binary" -> bytes();
			case "utf8", "utf-8", "string" -> utf8();
			case "long", "int64" -> int64();
			case "int", "int32" -> int32();
			case "json" -> JacksonCodec.tree();
			default -> throw new IllegalArgumentException(
					"Unknown codec '" + name + "': expected one of bytes, utf8, long, int, json");
		};
	}

}
