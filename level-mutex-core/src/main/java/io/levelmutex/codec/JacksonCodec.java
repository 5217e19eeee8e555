package io.levelmutex.codec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON through Jackson 3. Only loaded when a JSON codec is asked for, so the core runs
 * without Jackson on the class path.
 */
final class JacksonCodec<T> implements Codec<T> {

	private final ObjectMapper mapper;

	private final Class<T> type;

	private JacksonCodec(ObjectMapper mapper, Class<T> type) {
		this.mapper = mapper;
		this.type = type;
	}

	static <T> Codec<T> of(Class<T> type) {
		return new JacksonCodec<>(DefaultMapper.INSTANCE, type);
	}

	static <T> Codec<T> of(Object mapper, Class<T> type) {
		if (!(mapper instanceof ObjectMapper objectMapper)) {
			throw new IllegalArgumentException("Expected a tools.jackson.databind.ObjectMapper but got "
					+ mapper.getClass().getName());
		}
		return new JacksonCodec<>(objectMapper, type);
	}

	static Codec<JsonNode> tree() {
		return of(JsonNode.class);
	}

	@Override
	public byte[] encode(T value) {
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new CodecException("Cannot encode " + value.getClass().getName() + " as JSON", ex);
		}
	}

	@Override
	public T decode(byte[] bytes) {
		try {
			return this.mapper.readValue(bytes, this.type);
		}
		catch (JacksonException ex) {
			throw new CodecException("Stored bytes (" + bytes.length + ") are not JSON for " + this.type.getName(), ex);
		}
	}

	@Override
	public String name() {
		return "json";
	}

	/** Lazily created shared mapper. */
	private static final class DefaultMapper {

		static final ObjectMapper INSTANCE = JsonMapper.builder().build();

	}

}
